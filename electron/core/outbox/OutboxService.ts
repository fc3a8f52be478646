// What a person may do with the outbox: read it, send refused entries again, or drop them for
// good (after confirming, because what they carried then never reaches Intercom).
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import { toOutboxItem, type OutboxRow } from '../db/rows';
import type { ServiceContext } from '../ServiceContext';

export class OutboxService {
  constructor(
    private readonly ctx: ServiceContext,
    /** Called after entries go back to pending, so the sync runs soon. */
    private readonly onRetry: () => void = () => {},
  ) {}

  list(q: ParsedInput<'outbox.list'>): MethodOutput<'outbox.list'> {
    const page = this.ctx.store.outbox.list(q);
    return { items: page.rows.map(toOutboxItem), total: page.total };
  }

  /** Checks that every sequence number exists and is failed; names the first that is not. */
  private failedEntries(seqs: readonly number[]): OutboxRow[] {
    const rows = this.ctx.store.outbox.bySeqs(seqs);
    const bySeq = new Map(rows.map((r) => [r.seq, r]));
    seqs.forEach((seq, i) => {
      const row = bySeq.get(seq);
      if (!row) throw new AppError('NOT_FOUND', `There is no outbox entry ${seq}.`, { field: `seqs.${i}` });
      if (row.status !== 'failed') {
        throw new AppError('VALIDATION', `Outbox entry ${seq} is ${row.status === 'done' ? 'already in Intercom' : 'not failed'}; only failed entries can be retried or discarded.`, {
          field: `seqs.${i}`,
        });
      }
    });
    return [...bySeq.values()];
  }

  retry({ seqs }: ParsedInput<'outbox.retry'>): MethodOutput<'outbox.retry'> {
    const { store } = this.ctx;
    const rows = store.transaction(() => {
      const rows = this.failedEntries(seqs);
      const at = this.ctx.now();
      for (const r of rows) {
        store.outbox.setPending(r.seq, at);
        const messageId = messageIdOf(r);
        if (messageId) store.messages.setStatus(messageId, { status: 'queued', error: null });
        const eventId = eventIdOf(r);
        if (eventId !== null) store.events.setSyncState(eventId, 'pending');
      }
      for (const r of uniqueEntities(rows)) store.outbox.refreshSyncState(r.entity_type, r.entity_id);
      return rows;
    });
    this.emit(rows, 'outbox.retried');
    this.onRetry();
    return { retried: rows.length };
  }

  discard({ seqs, confirm }: ParsedInput<'outbox.discard'>): MethodOutput<'outbox.discard'> {
    const { store } = this.ctx;
    const rows = store.transaction(() => {
      const rows = this.failedEntries(seqs);
      if (!confirm) {
        throw new AppError(
          'CONFIRM_REQUIRED',
          `Discarding ${rows.length === 1 ? 'this change' : `these ${rows.length} changes`} means Intercom never gets ${rows.length === 1 ? 'it' : 'them'}; the local record keeps its values. Confirm to go on.`,
        );
      }
      for (const r of rows) {
        store.outbox.delete(r.seq);
        const messageId = messageIdOf(r);
        if (messageId) store.messages.setStatus(messageId, { status: 'discarded', error: null });
      }
      for (const r of uniqueEntities(rows)) store.outbox.refreshSyncState(r.entity_type, r.entity_id);
      return rows;
    });
    this.emit(rows, 'outbox.discarded');
    return { discarded: rows.length };
  }

  private emit(rows: readonly OutboxRow[], op: string) {
    const entities = uniqueEntities(rows);
    for (const type of ['contact', 'company'] as const) {
      const ids = entities.filter((r) => r.entity_type === type).map((r) => r.entity_id);
      if (ids.length > 0) this.ctx.hub.emit('changed', { entity: type, ids, op });
    }
    this.ctx.hub.emit('changed', { entity: 'outbox', ids: rows.map((r) => String(r.seq)), op });
  }
}

function messageIdOf(r: OutboxRow): string | null {
  if (r.op !== 'message.send' && r.op !== 'message.flush') return null;
  const id = (JSON.parse(r.payload) as { messageId?: unknown }).messageId;
  return typeof id === 'string' ? id : null;
}

function uniqueEntities(rows: readonly OutboxRow[]): OutboxRow[] {
  const seen = new Map<string, OutboxRow>();
  for (const r of rows) if (!seen.has(r.entity_id)) seen.set(r.entity_id, r);
  return [...seen.values()];
}

/** The event an event.create entry carries (its sync state follows the entry's). */
function eventIdOf(r: Pick<OutboxRow, 'op' | 'payload'>): number | null {
  if (r.op !== 'event.create') return null;
  const id = (JSON.parse(r.payload) as { eventId?: unknown }).eventId;
  return typeof id === 'number' ? id : null;
}
