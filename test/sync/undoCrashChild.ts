// Child process of the undo crash test: opens the store in the given folder and undoes the given
// change, with a clock that, at its `stopAt`-th reading inside the undo, says "INSIDE" and waits
// for ever, so the parent's SIGKILL lands inside the undo's transaction.
import fs from 'node:fs';
import { createCore } from '../../electron/core/app';

const [dataDir, changeId, stopAtArg] = process.argv.slice(2);
if (!dataDir || !changeId || !stopAtArg) {
  console.error('usage: undoCrashChild <dataDir> <changeId> <stopAt>');
  process.exit(2);
}
const stopAt = Number(stopAtArg);
let armed = false;
let readings = 0;

const core = createCore({
  dataDir,
  mode: 'test',
  autoSync: false,
  actor: 'crash-test',
  now: () => {
    if (armed && ++readings === stopAt) {
      fs.writeSync(1, 'INSIDE\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    }
    return Date.now();
  },
  log: (m, e) => console.error(m, e),
});
armed = true;
void core.call('changes.undo', { id: changeId }).then((res) => {
  fs.writeSync(1, `DONE ${JSON.stringify(res.ok)}\n`);
  core.dispose();
});
