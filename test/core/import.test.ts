// Contacts import through the API on a real SQLite file: reading (encodings, CSV quoting, JSON
// lines), the mapping guess, the preview (every problem by row and column, nothing written),
// duplicates under skip / update / create, and the report. Hand-made files with known answers.
import { describe, expect, it } from 'vitest';
import { coresPerTest, outboxItems, type TestCore } from '../helpers/testCore';
import { contactsCsv, fixture, reportLines, runImport, upload, waitFor } from './fixtures/import/importHarness';

const core = coresPerTest();

async function contactByEmail(t: TestCore, email: string) {
  const page = await t.api.call('contacts.list', { search: email, limit: 10 });
  return page.items.filter((c) => c.email === email);
}

describe('import: reading files', () => {
  it('uploads in pieces, reads the file and guesses kind and mapping from the headers', async () => {
    const t = core();
    const job = await upload(t, 'people.csv', 'E-mail,Full Name,Phone Number,User ID,Visitor,Company,Plan Tier\na@example.com,Ann,+1 555 0100,u1,v1,Acme,gold\n', 20);
    expect(job).toMatchObject({ state: 'ready', format: 'csv', encoding: 'utf-8', encodingNote: null, rowsTotal: 1, rowsDone: 0 });
    const a = await t.api.call('import.analyse', { importId: job.id });
    expect(a.columns).toEqual(['E-mail', 'Full Name', 'Phone Number', 'User ID', 'Visitor', 'Company', 'Plan Tier']);
    expect(a.sample).toEqual([['a@example.com', 'Ann', '+1 555 0100', 'u1', 'v1', 'Acme', 'gold']]);
    // a people file that says where each works: contacts, linked to their companies by name
    expect(a.guessedKind).toBe('contacts');
    expect(a.mapping).toEqual({
      'E-mail': 'email',
      'Full Name': 'name',
      'Phone Number': 'phone',
      'User ID': 'externalId',
      Visitor: 'visitorId',
      Company: 'companyName',
      'Plan Tier': 'attribute:Plan Tier',
    });
    const asContacts = await t.api.call('import.analyse', { importId: job.id, kind: 'contacts' });
    expect(asContacts.mapping.Company).toBe('companyName');
    const other = await upload(t, 'later.csv', 'email\nb@example.com\n');
    const list = await t.api.call('import.list', {});
    expect(list).toMatchObject({ total: 2, items: [{ id: other.id, fileName: 'later.csv' }, { id: job.id, fileName: 'people.csv' }] });
  });

  it('takes a people file with a Company column as contacts linked by name; rows without a company are fine', async () => {
    const t = core();
    const { job, analysis } = await runImport(t, 'people.csv', 'email,name,company,title\nkim@kel.test,Kim,Kelvin Labs,CTO\nlee@example.com,Lee,,Founder\nmo@kel.test,Mo,Kelvin Labs,\n');
    expect(analysis.guessedKind).toBe('contacts');
    expect(analysis.mapping).toEqual({ email: 'email', name: 'name', company: 'companyName', title: 'attribute:title' });
    expect(job).toMatchObject({ state: 'done', created: 3, failed: 0 });
    const companies = (await t.api.call('companies.list', {})).items;
    expect(companies.map((c) => [c.name, c.userCount])).toEqual([['Kelvin Labs', 2]]);
    const lee = (await contactByEmail(t, 'lee@example.com'))[0]!;
    expect(lee.customAttributes).toEqual({ title: 'Founder' });
    // a file with company facts (plan, MRR, company stage) is still companies with their users
    const accounts = await upload(t, 'accounts.csv', 'company,plan,email\nAcme,pro,a@acme.test\n');
    expect((await t.api.call('import.analyse', { importId: accounts.id })).guessedKind).toBe('companies');
    const bare = await upload(t, 'names.csv', 'company name,company id\nAcme,acme\n');
    expect((await t.api.call('import.analyse', { importId: bare.id })).guessedKind).toBe('companies');
  });

  it('refuses pieces that are not base64 or run past the end, and a chunk after the upload', async () => {
    const t = core();
    const job = await t.api.call('import.open', { fileName: 'x.csv', size: 4 });
    expect(await t.fail('import.chunk', { importId: job.id, offset: 0, data: 'not base64!' })).toMatchObject({ code: 'VALIDATION', field: 'data' });
    expect(await t.fail('import.chunk', { importId: job.id, offset: 2, data: Buffer.from('abc').toString('base64') })).toMatchObject({
      code: 'VALIDATION',
      field: 'offset',
    });
    await t.api.call('import.chunk', { importId: job.id, offset: 0, data: Buffer.from('a\nb\n').toString('base64') });
    expect(await t.fail('import.chunk', { importId: job.id, offset: 0, data: 'YQ==' })).toMatchObject({ code: 'VALIDATION', field: 'importId' });
  });

  it('reads a Windows-1252 file, says so, and gets the accented names right', async () => {
    const t = core();
    // "Zoë Núñez", "René Œuvre" and "Søren – Ltd" in Windows-1252: ë ñ ú é ø are Latin-1, Œ is 0x8C, – is 0x96
    const bytes = Buffer.concat([
      Buffer.from('email,name\nzoe@example.com,Zo\xeb N\xfa\xf1ez\nrene@example.com,Ren\xe9 ', 'latin1'),
      Buffer.from([0x8c]),
      Buffer.from('uvre\nsoren@example.com,S\xf8ren ', 'latin1'),
      Buffer.from([0x96]),
      Buffer.from(' Ltd\n', 'latin1'),
    ]);
    const { job } = await runImport(t, 'latin.csv', bytes);
    expect(job).toMatchObject({ state: 'done', encoding: 'windows-1252', created: 3, failed: 0 });
    expect(job.encodingNote).toMatch(/not UTF-8.*Windows-1252/);
    expect((await contactByEmail(t, 'zoe@example.com'))[0]!.name).toBe('Zoë Núñez');
    expect((await contactByEmail(t, 'rene@example.com'))[0]!.name).toBe('René Œuvre');
    expect((await contactByEmail(t, 'soren@example.com'))[0]!.name).toBe('Søren – Ltd');
  });

  it('reads UTF-16 with a byte order mark (little and big endian) and UTF-8 with one', async () => {
    const t = core();
    const text = 'email,name\nmaelle@example.com,Maëlle Ünal\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16(); // the BOM swaps to FE FF as well
    const bom8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.replace('maelle', 'maelle8'), 'utf8')]);
    const a = await runImport(t, 'le.csv', le);
    expect(a.job).toMatchObject({ encoding: 'utf-16le', encodingNote: null, created: 1 });
    expect(a.analysis.columns).toEqual(['email', 'name']);
    // the same person again: `create` makes a second contact when only the email matches
    const b = await runImport(t, 'be.csv', be, { duplicates: 'create' });
    expect(b.job).toMatchObject({ encoding: 'utf-16be', created: 1 });
    const c = await runImport(t, 'bom.csv', bom8);
    expect(c.job).toMatchObject({ encoding: 'utf-8', created: 1 });
    expect(c.analysis.columns).toEqual(['email', 'name']); // no BOM glued to the first header
    const people = await contactByEmail(t, 'maelle@example.com');
    expect(people.map((p) => p.name)).toEqual(['Maëlle Ünal', 'Maëlle Ünal']);
    expect((await contactByEmail(t, 'maelle8@example.com'))[0]!.name).toBe('Maëlle Ünal');
  });

  it('keeps quoted commas, quotes and newlines inside fields (semicolons and CRLF too) and skips blank lines', async () => {
    const t = core();
    const a = await runImport(t, 'quoted.csv', fixture('quoted-newlines-semicolon.csv'));
    expect(a.job).toMatchObject({ rowsTotal: 2, created: 2, failed: 0 });
    expect(a.analysis.mapping).toEqual({ email: 'email', name: 'name', notes: 'attribute:notes' });
    const [anna] = await contactByEmail(t, 'anna@example.com');
    expect(anna).toMatchObject({ name: 'Smith, Anna', customAttributes: { notes: 'line one\nline two, with a comma' } });
    expect((await contactByEmail(t, 'ben@example.com'))[0]!.name).toBe('Ben "The Builder" Bell');

    const b = await runImport(t, 'crlf.csv', fixture('quoted-newlines-crlf.csv'));
    expect(b.job).toMatchObject({ rowsTotal: 1, created: 1 });
    expect((await contactByEmail(t, 'cara@example.com'))[0]).toMatchObject({ name: 'Cara, Q.', customAttributes: { Notes: 'first\r\nsecond' } });
  });

  it('reads JSON lines: keys are columns, values keep their types, nested values and broken lines are row problems', async () => {
    const t = core();
    const job = await upload(t, 'people.jsonl', fixture('people.jsonl'));
    expect(job).toMatchObject({ format: 'jsonl', rowsTotal: 4 });
    const a = await t.api.call('import.analyse', { importId: job.id });
    expect(a.columns).toEqual(['email', 'name', 'plan', 'seats', 'trial', 'address', 'full name']);
    expect(a.guessedKind).toBe('contacts');
    expect(a.mapping).toMatchObject({ plan: 'attribute:plan', 'full name': 'attribute:full name' });
    const mapping = { ...a.mapping, 'full name': 'ignore' };
    const p = await t.api.call('import.preview', { importId: job.id, kind: 'contacts', mapping, duplicates: 'skip' });
    expect(p).toMatchObject({ rows: 4, valid: 2, invalid: 2, willCreate: 2 });
    expect(p.problems).toEqual([
      { row: 2, column: 'address', field: null, message: 'nested values (objects, lists) cannot be imported' },
      { row: 3, column: null, field: null, message: 'the line is not valid JSON' },
    ]);
    await t.api.call('import.start', { importId: job.id, kind: 'contacts', mapping, duplicates: 'skip' });
    expect(await waitFor(t, job.id, ['done'])).toMatchObject({ created: 2, failed: 2 });
    expect((await contactByEmail(t, 'jo@example.com'))[0]!.customAttributes).toEqual({ plan: 'pro', seats: 3, trial: true });
    expect((await contactByEmail(t, 'lu@example.com'))[0]!.name).toBe('Lu Lee');
  });

  it('marks a file without a header row as failed', async () => {
    const t = core();
    const job = await upload(t, 'empty.csv', '\n\n  \n');
    expect(job).toMatchObject({ state: 'failed', error: 'The file has no header row.' });
    expect(await t.fail('import.analyse', { importId: job.id })).toMatchObject({ code: 'VALIDATION' });
  });
});

describe('import: preview and bad rows', () => {
  it('lists every problem by row, column and field, and writes nothing', async () => {
    const t = core();
    const job = await upload(t, 'bad.csv', fixture('bad-rows.csv'));
    const a = await t.api.call('import.analyse', { importId: job.id });
    expect(a.guessedKind).toBe('contacts');
    expect(a.mapping).toEqual({ email: 'email', name: 'name', stage: 'stage', phone: 'phone' });
    const before = t.core.store.fingerprint();
    const p = await t.api.call('import.preview', { importId: job.id, kind: 'contacts', mapping: a.mapping, duplicates: 'skip' });
    expect(t.core.store.fingerprint()).toEqual(before);
    expect(p).toMatchObject({ rows: 5, valid: 1, invalid: 4, willCreate: 1, willUpdate: 0, willSkip: 0 });
    expect(p.problems).toEqual([
      { row: 3, column: 'email', field: 'email', message: '"not-an-email" is not a valid email address' },
      { row: 4, column: 'email', field: 'email', message: 'a contact needs an email or a name' },
      { row: 5, column: 'stage', field: 'stage', message: '"Someday" is not a contact stage (Lead or Signed up)' },
      { row: 6, column: 'phone', field: 'phone', message: '"12" must contain at least 4 digits' },
    ]);
    // rows as a spreadsheet numbers them: the header is row 1, the first record row 2
    expect(p.mapped).toEqual([
      {
        row: 2,
        person: expect.objectContaining({ email: 'ann@example.com', name: 'Ann Archer', stage: 'lead', phone: null }),
        company: null,
      },
    ]);

    await t.api.call('import.start', { importId: job.id, kind: 'contacts', mapping: a.mapping, duplicates: 'skip' });
    const done = await waitFor(t, job.id, ['done']);
    expect(done).toMatchObject({ rowsTotal: 5, rowsDone: 5, created: 1, updated: 0, skipped: 0, failed: 4 });
    const report = await reportLines(t, job.id);
    expect(report.items.map((l) => [l.row, l.action])).toEqual([
      [2, 'created'],
      [3, 'failed'],
      [4, 'failed'],
      [5, 'failed'],
      [6, 'failed'],
    ]);
    expect(report.items[1]!.reason).toBe('email: "not-an-email" is not a valid email address');
    expect(report.reasons).toEqual([
      { reason: 'email: "…" is not a valid email address', count: 1 },
      { reason: 'email: a contact needs an email or a name', count: 1 },
      { reason: 'phone: "…" must contain at least 4 digits', count: 1 },
      { reason: 'stage: "…" is not a contact stage (Lead or Signed up)', count: 1 },
    ]);
    const failedOnly = await t.api.call('import.report', { importId: job.id, action: ['failed'], limit: 2 });
    expect(failedOnly).toMatchObject({ total: 4, items: [{ row: 3 }, { row: 4 }] });
  });

  it('refuses a mapping that names no column, a field of another kind, or one field twice', async () => {
    const t = core();
    const job = await upload(t, 'm.csv', 'email,name,mail2\na@example.com,A,b@example.com\n');
    const base = { importId: job.id, kind: 'contacts' as const, duplicates: 'skip' as const };
    expect(await t.fail('import.preview', { ...base, mapping: { nope: 'email' } })).toMatchObject({ code: 'VALIDATION', field: 'mapping.nope' });
    expect(await t.fail('import.preview', { ...base, mapping: { email: 'eventName' } })).toMatchObject({ code: 'VALIDATION', field: 'mapping.email' });
    expect(await t.fail('import.preview', { ...base, mapping: { email: 'email', mail2: 'email' } })).toMatchObject({
      code: 'VALIDATION',
      field: 'mapping.mail2',
    });
    expect(await t.fail('import.start', { ...base, mapping: { email: 'phone' } })).toMatchObject({ code: 'VALIDATION', field: 'mapping' });
    expect((await t.api.call('import.status', { importId: job.id })).state).toBe('ready');
  });
});

describe('import: duplicates', () => {
  const FILE = [
    'email,name,visitor id,user id,tier',
    'dup@example.com,Dupe Again,,,gold', // matches the stored contact by email
    'new@example.com,New Person,v-new,,silver', // new
    'new@example.com,New Twin,,,bronze', // matches row 2 by email
    'other@example.com,Other Name,v-1,,', // matches the stored contact by visitor id
    'x@example.com,Xavier,,u-9,', // matches the other stored contact by user id
    '',
  ].join('\n');

  async function seed(t: TestCore) {
    const a = (await t.api.call('contacts.create', { email: 'dup@example.com', name: 'Dup Original', visitorId: 'v-1' })).contact;
    const b = (await t.api.call('contacts.create', { email: 'b@example.com', name: 'Bea', externalId: 'u-9' })).contact;
    return { a, b };
  }

  it('skip: leaves matches alone and says of whom each row is a duplicate', async () => {
    const t = core();
    const { a, b } = await seed(t);
    const job = await upload(t, 'dups.csv', FILE);
    const { mapping } = await t.api.call('import.analyse', { importId: job.id, kind: 'contacts' });
    const p = await t.api.call('import.preview', { importId: job.id, kind: 'contacts', mapping, duplicates: 'skip' });
    expect(p).toMatchObject({ rows: 5, valid: 5, invalid: 0, willCreate: 1, willUpdate: 0, willSkip: 4, duplicatesInFile: 1, duplicatesInStore: 3 });
    await t.api.call('import.start', { importId: job.id, kind: 'contacts', mapping, duplicates: 'skip' });
    expect(await waitFor(t, job.id, ['done'])).toMatchObject({ created: 1, updated: 0, skipped: 4, failed: 0 });
    const created = (await contactByEmail(t, 'new@example.com'))[0]!;
    const lines = (await reportLines(t, job.id)).items;
    expect(lines).toEqual([
      { row: 2, action: 'skipped', entityType: 'contact', entityId: a.id, reason: `duplicate of ${a.id} by email` },
      { row: 3, action: 'created', entityType: 'contact', entityId: created.id, reason: null },
      { row: 4, action: 'skipped', entityType: 'contact', entityId: created.id, reason: `duplicate of ${created.id} (row 3) by email` },
      { row: 5, action: 'skipped', entityType: 'contact', entityId: a.id, reason: `duplicate of ${a.id} by visitor id` },
      { row: 6, action: 'skipped', entityType: 'contact', entityId: b.id, reason: `duplicate of ${b.id} by user id` },
    ]);
    expect((await t.api.call('contacts.get', { id: a.id })).name).toBe('Dup Original');
    // one reason per kind, whoever the duplicate is of
    expect((await t.api.call('import.report', { importId: job.id, limit: 1 })).reasons).toEqual([
      { reason: 'duplicate of … by email', count: 2 },
      { reason: 'duplicate of … by user id', count: 1 },
      { reason: 'duplicate of … by visitor id', count: 1 },
    ]);
    expect(created).toMatchObject({ name: 'New Person', visitorId: 'v-new', customAttributes: { tier: 'silver' } });
  });

  it('update: writes the non-empty fields onto the match, keeping what rollback needs', async () => {
    const t = core();
    const { a, b } = await seed(t);
    const job = await upload(t, 'dups.csv', FILE);
    const { mapping } = await t.api.call('import.analyse', { importId: job.id, kind: 'contacts' });
    const p = await t.api.call('import.preview', { importId: job.id, kind: 'contacts', mapping, duplicates: 'update' });
    expect(p).toMatchObject({ willCreate: 1, willUpdate: 4, willSkip: 0, duplicatesInFile: 1, duplicatesInStore: 3 });
    await t.api.call('import.start', { importId: job.id, kind: 'contacts', mapping, duplicates: 'update' });
    expect(await waitFor(t, job.id, ['done'])).toMatchObject({ created: 1, updated: 4, skipped: 0 });
    // row 1 then row 4 wrote onto a (by email, then by visitor id)
    expect(await t.api.call('contacts.get', { id: a.id })).toMatchObject({
      name: 'Other Name',
      email: 'other@example.com',
      visitorId: 'v-1',
      customAttributes: { tier: 'gold' },
    });
    expect(await t.api.call('contacts.get', { id: b.id })).toMatchObject({ name: 'Xavier', email: 'x@example.com', externalId: 'u-9' });
    const twins = await contactByEmail(t, 'new@example.com');
    expect(twins).toHaveLength(1);
    expect(twins[0]).toMatchObject({ name: 'New Twin', customAttributes: { tier: 'bronze' } });
    // updates went to the outbox like typed edits, released now that the import is done
    const items = await outboxItems(t);
    const ofA = items.filter((o) => o.entityId === a.id).map((o) => [o.op, o.payload]);
    expect(ofA).toEqual([
      ['contact.create', expect.anything()],
      ['contact.update', { name: 'Dupe Again', customAttributes: { tier: 'gold' } }],
      ['contact.update', { email: 'other@example.com', name: 'Other Name' }],
    ]);
  });

  it('create: a second contact when only the email matches, never a second owner of a visitor or user id', async () => {
    const t = core();
    const { a, b } = await seed(t);
    const job = await upload(t, 'dups.csv', FILE);
    const { mapping } = await t.api.call('import.analyse', { importId: job.id, kind: 'contacts' });
    const p = await t.api.call('import.preview', { importId: job.id, kind: 'contacts', mapping, duplicates: 'create' });
    expect(p).toMatchObject({ willCreate: 3, willUpdate: 0, willSkip: 2 });
    await t.api.call('import.start', { importId: job.id, kind: 'contacts', mapping, duplicates: 'create' });
    expect(await waitFor(t, job.id, ['done'])).toMatchObject({ created: 3, skipped: 2 });
    expect((await contactByEmail(t, 'dup@example.com')).map((c) => c.name).sort()).toEqual(['Dup Original', 'Dupe Again']);
    expect((await contactByEmail(t, 'new@example.com')).map((c) => c.name).sort()).toEqual(['New Person', 'New Twin']);
    const lines = (await reportLines(t, job.id)).items;
    expect(lines[3]).toMatchObject({ action: 'skipped', reason: `visitor id already belongs to ${a.id}` });
    expect(lines[4]).toMatchObject({ action: 'skipped', reason: `user id already belongs to ${b.id}` });
    expect((await contactByEmail(t, 'other@example.com'))).toEqual([]);
  });

  it('imports a contact like contacts.create does: history, outbox entry, search, funnel', async () => {
    const t = core();
    const { job } = await runImport(t, 'one.csv', 'email,name,stage,user id,created at\nsue@example.com,Sue Smith,Signed up,s-1,2023-05-01T10:00:00Z\n');
    expect(job.created).toBe(1);
    const [sue] = (await t.api.call('contacts.list', { search: 'sue smi', limit: 5 })).items;
    expect(sue).toMatchObject({ email: 'sue@example.com', stage: 'signed_up', role: 'lead', externalId: 's-1', createdAt: '2023-05-01T10:00:00.000Z', syncState: 'local' });
    const detail = await t.api.call('contacts.get', { id: sue!.id });
    expect(detail.history).toMatchObject([{ fromStage: null, toStage: 'signed_up', at: '2023-05-01T10:00:00.000Z' }]);
    // the funnel columns are what the funnel trigger gives a typed contact (the import writes them itself)
    const typed = (await t.api.call('contacts.create', { email: 'tom@example.com', name: 'Tom', stage: 'signed_up' })).contact;
    const funnel = (id: string) =>
      t.core.store.db
        .prepare(
          `SELECT funnel_rank, funnel_max, stage_entered_at - created_at AS entered, signed_up_at - created_at AS signed_up, sql_at, customer_at, lead_ms
           FROM contacts WHERE id = @id`,
        )
        .get({ id });
    expect(funnel(sue!.id)).toEqual(funnel(typed.id));
    expect(funnel(sue!.id)).toEqual({ funnel_rank: 1, funnel_max: 1, entered: 0, signed_up: 0, sql_at: null, customer_at: null, lead_ms: 0 });
    const [entry] = (await outboxItems(t)).filter((o) => o.entityId === sue!.id);
    expect(entry).toMatchObject({
      op: 'contact.create',
      payload: { role: 'lead', email: 'sue@example.com', name: 'Sue Smith', phone: null, visitorId: null, externalId: 's-1', stage: 'signed_up', customAttributes: {} },
    });
  });

  it('imports a generated 5,000-row file exactly', async () => {
    const t = core();
    const { job } = await runImport(t, 'many.csv', contactsCsv(5000));
    expect(job).toMatchObject({ state: 'done', rowsTotal: 5000, rowsDone: 5000, created: 5000, failed: 0 });
    expect((await t.api.call('contacts.list', { limit: 1 })).total).toBe(5000);
    expect((await t.api.call('contacts.list', { filter: { stage: ['signed_up'] }, limit: 1 })).total).toBe(1666);
  });
});
