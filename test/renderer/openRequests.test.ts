// What a start asks the page to open, as the page carries it out: a contact on the Leads screen, an
// uploaded file at its mapping (or waiting in the recent list while another import is under way),
// a problem in words; and only requests of the known shapes reach the page through the preload.
import { describe, expect, it } from 'vitest';
import { buildPreloadApi } from '../../electron/preload/apiSurface';
import { openRequestHandler } from '../../renderer/src/shell/openRequests';
import type { OpenRequest } from '../../shared/windowApi';

function page(importBusy = false) {
  const done: string[] = [];
  const run = openRequestHandler({
    go: (view) => void done.push(`go:${view}`),
    openContact: (id) => void done.push(`contact:${id}`),
    openUpload: async (importId, fileName) => {
      if (importBusy) return false;
      done.push(`upload:${importId}:${fileName}`);
      return true;
    },
    say: (kind, text) => void done.push(`${kind}:${text}`),
  });
  return { run, done };
}

describe('open requests in the page', () => {
  it('opens a contact on the Leads screen, and an upload at its mapping', async () => {
    const p = page();
    await p.run({ kind: 'contact', id: 'c-1' });
    await p.run({ kind: 'import', importId: 'i-1', fileName: 'people.csv' });
    await p.run({ kind: 'problem', message: '“x.txt” is not a .csv file.' });
    expect(p.done).toEqual(['go:leads', 'contact:c-1', 'go:import', 'upload:i-1:people.csv', 'error:“x.txt” is not a .csv file.']);
  });

  it('leaves an import under way as it is, and says where the new file waits', async () => {
    const p = page(true);
    await p.run({ kind: 'import', importId: 'i-2', fileName: 'more.csv' });
    expect(p.done).toEqual(['go:import', 'info:“more.csv” is ready to map under Recent imports: finish this import first, then open it there.']);
  });
});

describe('the preload', () => {
  it('passes on open requests of the known shapes only', () => {
    let deliver: (request: unknown) => void = () => {};
    const api = buildPreloadApi(
      () => Promise.resolve({ ok: true, value: null }),
      () => () => {},
      () => () => {},
      (listener) => {
        deliver = listener;
        return () => {};
      },
    );
    const heard: OpenRequest[] = [];
    api.onOpenRequest((r) => heard.push(r));
    const good: OpenRequest[] = [
      { kind: 'import', importId: 'i-1', fileName: 'a.csv' },
      { kind: 'contact', id: 'c-1' },
      { kind: 'problem', message: 'No contact has the email x@y.z.' },
    ];
    const bad = [null, 'contact', { kind: 'contact' }, { kind: 'contact', id: 7 }, { kind: 'import', importId: 'i' }, { kind: 'run', command: 'rm' }, { kind: 'contact', id: 'x'.repeat(101) }];
    for (const r of [...good, ...bad]) deliver(r);
    expect(heard).toEqual(good);
    expect(() => api.onOpenRequest('x' as never)).toThrow(TypeError);
  });
});
