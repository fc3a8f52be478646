// Child process of the rollback kill test: opens the store in the given folder and rolls the
// given import back, saying "ROLLING" just before and "DONE" after. The parent kills it (SIGKILL)
// in between.
import { createCore } from '../../electron/core/app';

const [dataDir, importId] = process.argv.slice(2);
if (!dataDir || !importId) {
  console.error('usage: rollbackChild <dataDir> <importId>');
  process.exit(2);
}

async function main() {
  const core = createCore({ dataDir: dataDir!, mode: 'test', autoSync: false, actor: 'kill-test', log: (m, e) => console.error(m, e) });
  process.stdout.write('ROLLING\n');
  const res = await core.call('import.rollback', { importId, confirm: true });
  if (!res.ok) throw new Error(res.error.message);
  core.dispose();
  process.stdout.write('DONE\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
