// Bulk actions on the table's selection, or on everyone a segment or drill-down shows: each one is
// counted first (`bulk.run` dry run), confirmed with the exact numbers and the reasons some are
// left out, then run as one change that can be undone as a whole: stages and links at any time
// (what reached Intercom is sent back), sign-ups until they reach Intercom, messages and flushes
// during their 10-second hold. Also
// the table's CSV export. Types only from the shared schemas (zod stays out of the
// start-up bundle).
import { create } from 'zustand';
import type { MethodInput, MethodOutput } from '../../../shared/api';
import type { BulkAction, BulkRecord } from '../../../shared/activity';
import type { Client } from '../../../shared/client';
import { toast } from '../state/toastStore';
import { takeToken } from '../transport';
import { segmentById } from '../segments/segmentsStore';
import { confirmAction } from '../ui/Dialog';
import { COMPANY_STAGE_LABEL, CONTACT_STAGE_LABEL, plural } from '../ui/labels';
import type { ColumnId } from './columns';
import { COLUMNS } from './columns';
import { hasFilters, listInput, useLeads } from './leadsStore';
import { viewRule } from './viewRule';

export type BulkTarget = MethodInput<'bulk.run'>['target'];
type ExportColumn = MethodInput<'contacts.export'>['columns'][number];

/** The export column each table column becomes. */
const EXPORT_COLUMN: Record<ColumnId, ExportColumn> = {
  name: 'name',
  email: 'email',
  role: 'role',
  stage: 'stage',
  companies: 'companies',
  owner: 'owner',
  tags: 'tags',
  lastActivity: 'lastActivityAt',
  created: 'createdAt',
  syncState: 'syncState',
};

/** The export columns of the table as the user has it: visible columns, in their order. */
export function visibleExportColumns(): ExportColumn[] {
  const hidden = useLeads.getState().columns.hidden;
  return COLUMNS.filter((c) => !hidden.includes(c.id)).map((c) => EXPORT_COLUMN[c.id]);
}

export interface TargetChoice {
  target: BulkTarget;
  /** "3 selected", "all 1,204 in this segment". */
  words: string;
}

/** What a bulk action would act on now: the selection, else everyone a segment or drill-down shows. */
export function currentTarget(): TargetChoice | null {
  const s = useLeads.getState();
  if (s.selected.size > 0) return { target: { kind: 'ids', ids: [...s.selected] }, words: `${s.selected.size.toLocaleString()} selected` };
  const q = { search: s.search, filter: s.filter, sort: s.sort };
  if (!s.filter.segment && !s.filter.rule) return null;
  // archived contacts are acted on only as a selection (restore), never as "everyone shown"
  if (s.filter.archived) return null;
  const total = s.result?.total;
  // nobody shown: nothing to act on (an undo is still offered apart)
  if (total === 0) return null;
  const all = total === undefined ? 'all' : `all ${total.toLocaleString()}`;
  const onlySegment = s.filter.segment && !s.filter.rule && q.search.trim() === '' && !hasFilters({ ...s.filter, segment: null });
  if (onlySegment) return { target: { kind: 'segment', segmentId: s.filter.segment!.id }, words: `${all} in this segment` };
  const rule = viewRule(q, (id) => segmentById(id)?.rule);
  return rule ? { target: { kind: 'rule', rule }, words: `${all} in this view` } : null;
}

/** "Set stage to Signed up", the start of every sentence about an action. */
export function actionWords(action: BulkAction, names: { companyName?: string; ownerName?: string } = {}): string {
  switch (action.type) {
    case 'setStage':
      return `Set stage to ${CONTACT_STAGE_LABEL[action.stage]}`;
    case 'signUp':
      return 'Sign up';
    case 'setCompanyStage':
      return `Set company stage to ${COMPANY_STAGE_LABEL[action.stage]}`;
    case 'link':
      return `Link to ${names.companyName ?? 'the company'}`;
    case 'message':
      return action.channel === 'email' ? `Send the email “${action.subject ?? ''}”` : 'Send the in-app message';
    case 'flush':
      return 'Flush pending messages';
    case 'setOwner':
      return action.ownerId === null ? 'Remove the owner' : `Assign to ${names.ownerName ?? 'the owner'}`;
    case 'addTag':
      return action.create ? `Create tag “${action.name}” and add it` : `Add tag “${action.name}”`;
    case 'removeTag':
      return `Remove tag “${action.name}”`;
    case 'export':
      return 'Export';
  }
}

/** "Set stage to Lead on 3 contacts", "Sign up 3 contacts". */
export function actionSentence(action: BulkAction, n: number, names: { companyName?: string } = {}): string {
  const whom = plural(n, 'contact');
  return action.type === 'signUp' ? `Sign up ${whom}` : `${actionWords(action, names)} on ${whom}`;
}

/** "(24 already at that stage, 3 without an email)". */
export function skippedWords(skipped: { reason: string; count: number }[]): string {
  return skipped.map((s) => `${s.count.toLocaleString()} ${s.reason}`).join(', ');
}

// --- the undo offer ---------------------------------------------------------------------------

/** How long the "Undo" offer stays (the recent list keeps it after); at least 10 s, as promised. */
const UNDO_OFFER_MS = 20_000;
/** A message bulk's offer stays this long after its hold ends, saying "Sending…" (no undo then). */
const SENDING_NOTE_MS = 3_000;

export const useBulkUndo = create<{ offer: BulkRecord | null }>()(() => ({ offer: null }));
let offerTimer: ReturnType<typeof setTimeout> | undefined;

export function offerUndo(bulk: BulkRecord | null): void {
  clearTimeout(offerTimer);
  useBulkUndo.setState({ offer: bulk && bulk.undoable ? bulk : null });
  if (!bulk?.undoable) return;
  // a held message can be taken back only until its hold ends: the offer goes with it
  const stay = bulk.releaseAt ? Math.max(0, Date.parse(bulk.releaseAt) - Date.now()) + SENDING_NOTE_MS : UNDO_OFFER_MS;
  offerTimer = setTimeout(() => useBulkUndo.setState({ offer: null }), stay);
}

/** The words of the confirmation about taking the action back. */
export function undoWords(action: BulkAction): string {
  if (action.type === 'message' || action.type === 'flush') {
    return 'They wait 10 seconds before they are sent. You can undo for 10 seconds; after that the messages cannot be taken back.';
  }
  if (action.type === 'signUp') {
    return 'It can be undone until the sign-ups reach Intercom with the next sync; after that they stay, as Intercom cannot turn a user back into a lead.';
  }
  return 'It can be undone as a whole, also after it reached Intercom (Intercom gets the previous values back; values changed since are kept).';
}

export function dismissUndo(): void {
  clearTimeout(offerTimer);
  useBulkUndo.setState({ offer: null });
}

export async function undoBulk(client: Client, id: string): Promise<void> {
  try {
    const r = await client.call('bulk.undo', { id });
    if (useBulkUndo.getState().offer?.id === id) dismissUndo();
    const kept =
      r.kept > 0
        ? ` ${plural(r.kept, 'change')} made again since ${r.kept === 1 ? 'was' : 'were'} kept: ${r.keptList.join('; ')}${r.kept > r.keptList.length ? `; and ${(r.kept - r.keptList.length).toLocaleString()} more` : ''}.`
        : '';
    const back = r.compensated > 0 ? ` ${plural(r.compensated, 'value')} Intercom already had ${r.compensated === 1 ? 'goes' : 'go'} back with the next sync.` : '';
    const type = r.bulk.action.type;
    const restored =
      type === 'message' || type === 'flush'
        ? `${plural(r.restored, type === 'flush' ? 'flush' : 'message', type === 'flush' ? 'flushes' : 'messages')} taken back; none was sent`
        : `${plural(r.restored, 'contact')} restored`;
    toast.ok(`Undone: ${restored}.${back}${kept}`);
  } catch (e) {
    toast.error(e);
  }
}

// --- files ------------------------------------------------------------------------------------

/** The bulk Signed up is the sign-up itself, as Sign up… on one record: the confirmation says what it means. */
export const SIGN_UP_NOTE = 'Each becomes a user at Signed up, as Sign up… makes one: Intercom knows it by its user id, or else by its email.';

type FileAnswer = MethodOutput<'contacts.export'>;

/**
 * Browser mode offers the file at a URL that, like every call, needs this tab's token: it is
 * fetched with it and handed to the browser as a download. The desktop saved it already.
 */
export async function deliverFile(file: FileAnswer): Promise<void> {
  if (!file.downloadUrl) {
    toast.ok(`Saved ${plural(file.rows, 'row')} to ${file.path}.`);
    return;
  }
  const token = takeToken();
  const res = await fetch(file.downloadUrl, { headers: token ? { Authorization: `Bearer ${token}` } : {}, cache: 'no-store' });
  if (!res.ok) throw new Error(`The export was written (${file.fileName}) but could not be downloaded: HTTP ${res.status}.`);
  const url = URL.createObjectURL(await res.blob());
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = file.fileName;
    document.body.append(a);
    a.click();
    a.remove();
  } finally {
    // after the click has handed the file over
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  toast.ok(`Exported ${plural(file.rows, 'row')} to ${file.fileName}.`);
}

/** "Export CSV" of the toolbar: the view as shown (search, filters, sort, visible columns). */
export async function exportView(client: Client): Promise<void> {
  const s = useLeads.getState();
  const { search, filter, sort } = listInput({ search: s.search, filter: s.filter, sort: s.sort }) ?? {};
  try {
    const file = await client.call('contacts.export', {
      view: { search, filter, sort },
      columns: visibleExportColumns(),
    });
    await deliverFile(file);
  } catch (e) {
    toast.error(e);
  }
}

// --- running ----------------------------------------------------------------------------------

/**
 * Counts, asks, runs. `names` gives words the action itself does not carry (a company's name).
 * Resolves true when it ran.
 */
export async function runBulk(client: Client, action: BulkAction, names: { companyName?: string; ownerName?: string } = {}): Promise<boolean> {
  const choice = currentTarget();
  if (!choice) return false;
  const what = actionWords(action, names);
  try {
    const dry = await client.call('bulk.run', { target: choice.target, action, dryRun: true });
    const left = dry.skipped.filter((s) => s.count > 0);
    if (dry.touched === 0) {
      toast.info(`${what}: nothing to do for ${plural(dry.targeted, 'contact')}${left.length ? ` (${skippedWords(left)})` : ''}.`);
      return false;
    }
    const sentence = `${actionSentence(action, dry.touched, names)}${left.length ? ` (${skippedWords(left)})` : ''}.`;
    const ok = await confirmAction({
      title: action.type === 'export' ? 'Export contacts' : 'Bulk action',
      body: action.type === 'export' ? sentence : [sentence, action.type === 'signUp' ? SIGN_UP_NOTE : '', undoWords(action)].filter(Boolean).join(' '),
      confirmLabel: `${what} (${dry.touched.toLocaleString()})`,
    });
    if (!ok) return false;
    const done = await client.call('bulk.run', { target: choice.target, action, confirm: true });
    if (done.file) await deliverFile(done.file);
    // an undoable run says what it did in the undo offer; the rest in a toast
    else if (!done.bulk?.undoable) toast.ok(done.bulk?.summary ?? `${what}: ${plural(done.touched, 'contact')}.`);
    offerUndo(done.bulk);
    if (choice.target.kind === 'ids') useLeads.getState().clearSelection();
    return true;
  } catch (e) {
    toast.error(e);
    return false;
  }
}
