// "Download failed rows": the rows an import could not take, as they were in the file, with the
// reason last; kept after the run ends (the source file is gone then); once fixed, the same file
// imports cleanly, its Reason column left out.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coresPerTest } from '../helpers/testCore';
import { fixture, runImport, upload, waitFor } from './fixtures/import/importHarness';

const core = coresPerTest();

describe('import: failed rows to fix and import again', () => {
  it('writes the failed rows as they were, with the reason, and the fixed file imports', async () => {
    const t = core();
    const { job } = await runImport(t, 'bad-rows.csv', fixture('bad-rows.csv'));
    expect(job).toMatchObject({ state: 'done', created: 1, failed: 4 });

    const file = await t.api.call('import.failedRows', { importId: job.id });
    expect(file).toMatchObject({ rows: 4, downloadUrl: null });
    expect(file.fileName).toMatch(/^bad-rows-failed-rows-\d{4}-\d\d-\d\d-\d{4}\.csv$/);
    const text = fs.readFileSync(file.path, 'utf8');
    expect(text.replace(/^\uFEFF/, '').split('\r\n')).toEqual([
      'email,name,stage,phone,Reason',
      'not-an-email,Bob Brown,Lead,,"email: ""not-an-email"" is not a valid email address"',
      // a leading + is guarded from spreadsheets as exports do; an import reads it back as it was
      ",,Lead,'+44 20 1234 5678,email: a contact needs an email or a name",
      'cy@example.com,Cy Cole,Someday,,"stage: ""Someday"" is not a contact stage (Lead or Signed up)"',
      'dee@example.com,Dee Dunn,signed_up,12,"phone: ""12"" must contain at least 4 digits"',
      '',
    ]);

    const fixed = text
      .replace('not-an-email', 'bob@example.com')
      .replace(",,Lead,'+44", ",Cara Cole,Lead,'+44")
      .replace('Someday', 'Lead')
      .replace('signed_up,12,', 'signed_up,+1 555 0100,');
    const again = await runImport(t, 'bad-rows-fixed.csv', fixed);
    expect(again.analysis.mapping).toEqual({ email: 'email', name: 'name', stage: 'stage', phone: 'phone', Reason: 'ignore' });
    expect(again.job).toMatchObject({ state: 'done', created: 4, failed: 0 });
    const cara = (await t.api.call('contacts.list', { search: 'Cara Cole', limit: 2 })).items[0]!;
    expect(cara.phone).toBe('+44 20 1234 5678');
    const dee = (await t.api.call('contacts.list', { search: 'dee@example.com', limit: 2 })).items[0]!;
    expect(dee).toMatchObject({ name: 'Dee Dunn', stage: 'signed_up', phone: '+1 555 0100', customAttributes: {} });

    // rolled back, the import keeps no copy of its failed rows
    await t.api.call('import.rollback', { importId: job.id, confirm: true });
    expect(await t.fail('import.failedRows', { importId: job.id })).toMatchObject({ code: 'NOT_FOUND', field: 'importId' });
  });

  it('names rows as a spreadsheet does, blank lines and quoted line breaks included', async () => {
    const t = core();
    const csv = 'email,name,notes\nann@example.com,Ann,"two\nlines"\n\nbad-one,Bob,\n';
    const job = await upload(t, 'gaps.csv', csv);
    const { mapping } = await t.api.call('import.analyse', { importId: job.id });
    const p = await t.api.call('import.preview', { importId: job.id, kind: 'contacts', mapping, duplicates: 'skip' });
    // header row 1, Ann row 2 (one row with its line break), a blank row 3, Bob row 4
    expect(p.problems.map((x) => x.row)).toEqual([4]);
    expect(p.mapped.map((x) => x.row)).toEqual([2]);
    await t.api.call('import.start', { importId: job.id, kind: 'contacts', mapping, duplicates: 'skip' });
    const done = await waitFor(t, job.id, ['done']);
    expect(done.failed).toBe(1);
    const lines = await t.api.call('import.report', { importId: job.id });
    expect(lines.items.map((l) => [l.row, l.action])).toEqual([
      [2, 'created'],
      [4, 'failed'],
    ]);
    const file = await t.api.call('import.failedRows', { importId: job.id });
    expect(fs.readFileSync(file.path, 'utf8').split('\r\n')[1]).toBe('bad-one,Bob,,"email: ""bad-one"" is not a valid email address"');
  });

  it('reads them from the file before the run, and says so plainly when no row failed', async () => {
    const t = core();
    const ok = await runImport(t, 'fine.csv', 'email\nfine@example.com\n');
    expect(await t.fail('import.failedRows', { importId: ok.job.id })).toMatchObject({ code: 'VALIDATION', message: 'No row of fine.csv failed.' });
    const ready = await upload(t, 'later.csv', 'email\nx\n');
    expect(await t.fail('import.failedRows', { importId: ready.id })).toMatchObject({ code: 'VALIDATION', field: 'importId' });
  });
});
