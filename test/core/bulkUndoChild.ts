// Child process of the bulk undo crash test: opens the store in the given folder and undoes the
// given bulk action, saying "UNDOING" just before and "DONE <ms>" after. The parent kills it
// (SIGKILL) in between.
import { createCore } from '../../electron/core/app';

const [dataDir, bulkId] = process.argv.slice(2);
if (!dataDir || !bulkId) {
  console.error('usage: bulkUndoChild <dataDir> <bulkId>');
  process.exit(2);
}

const core = createCore({ dataDir, mode: 'test', autoSync: false, actor: 'crash-test', log: (m, e) => console.error(m, e) });
process.stdout.write('UNDOING\n');
const started = Date.now();
void core.call('bulk.undo', { id: bulkId }).then((res) => {
  if (!res.ok) {
    console.error(res.error);
    process.exit(1);
  }
  process.stdout.write(`DONE ${Date.now() - started}\n`);
  core.dispose();
});
