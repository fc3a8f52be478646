// The shape of one outbox operation as the pusher drives it: how its entries fold into a step,
// what request the step sends, and what it commits locally once Intercom has it.
import type { EntityType } from '../../../../shared/domain';
import type { Store } from '../../db/Store';
import type { CompanyWriter } from '../../records/CompanyWriter';
import type { ContactWriter } from '../../records/ContactWriter';
import type { PushEntry } from '../fold';
import type { SyncSettings } from '../mapping';
import type { SyncContext } from '../SyncContext';

/** A record the pusher sends the entries of. */
export interface RecordRef {
  type: EntityType;
  id: string;
}

/** One request's worth of a record's entries; `kind` names the operation that sends it ('unknown': none does). */
export interface Step {
  kind: string;
  entries: PushEntry[];
}

/** What a sent step leaves to commit, in the same transaction that marks its entries done. */
export type Commit = () => void;

/** Nothing to commit: the step changed nothing locally (or Intercom needed no request). */
export const nothing: Commit = () => {};

/** A step that cannot go out yet; `onUser`: it waits for the user (a refused create), not for a retry time. */
export class StepWait {
  constructor(
    readonly reason: string,
    readonly onUser = false,
  ) {}
}

/**
 * A step that fails for a reason of this console (not Intercom's): it waits for the user with this
 * message. `alongside`: what to record locally in the same transaction (what the failure taught).
 */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly alongside?: Commit,
  ) {
    super(message);
  }
}

/** What the pusher lends an operation while it sends a step, for the length of one push run. */
export interface PushRun {
  readonly ctx: SyncContext;
  readonly settings: SyncSettings;
  /** Makes one Intercom request, counted in the run's summary (whatever the client's own retries). */
  call<T>(fn: () => Promise<T>): Promise<T>;
  /** The admin that sends messages: the stored one, or GET /me once per run. */
  admin(): Promise<string>;
  /** Pushes another record first, in this run (a link's company); resolves when it is done or has to wait. */
  pushFirst(ref: RecordRef): Promise<void>;
  /** The run is stopping (aborted, offline, token refused): no new step starts. */
  stopped(): boolean;
  /** Event names first sent in this run (see ops/event.ts). */
  readonly newEventNames: Set<string>;
  /** The record writers: a commit ties a record to Intercom through them. */
  readonly contacts: ContactWriter;
  readonly companies: CompanyWriter;
}

export interface Operation {
  /** The step kind it sends ('fields', 'link' ...), as planSteps names the step. */
  readonly kind: string;
  /** The kind of record whose entries it sends. */
  readonly entity: 'contact' | 'company';
  /** The outbox ops it sends. */
  readonly ops: readonly string[];
  /**
   * How its entries fold. 'run': consecutive entries of a record whose ops fold as a run (field
   * changes) become one step, one request. 'single': each entry is a step of its own.
   */
  readonly fold: 'run' | 'single';
  /** Of its ops, those that create the record in Intercom (the first step of a record not there yet). */
  readonly creates?: readonly string[];
  /** A 'single' op written before its record's create went out travels inside that create (a sign-up). */
  readonly foldsIntoCreate?: boolean;
  /**
   * A repeat could reach a person twice (a message): an entry left in flight by a dead process, or
   * whose answer is uncertain, fails with these words instead of going out again.
   */
  readonly sendsOnce?: { lostInFlight: string; uncertain: (why: string) => string };
  /**
   * It is sent for a record removed here (an archive): its step carries the record's entries
   * before it, which it supersedes. Entries of a removed record go out only this way.
   */
  readonly removesRecord?: boolean;
  /** Intercom may not see a brand-new record for a while: a 404 is retried this many attempts. */
  readonly notFoundRetries?: number;
  /** Before the step is claimed: what it needs first (a link: its company in Intercom). Throws StepWait to wait. */
  beforeClaim?(run: PushRun, step: Step): Promise<void>;
  /** Sends the step for record `id`; resolves to what to commit once its entries are marked done. */
  send(run: PushRun, id: string, entries: readonly PushEntry[]): Promise<Commit>;
  /** The step failed for good: what the record beside the outbox keeps of it (a message's status). Inside the failing transaction. */
  failed?(store: Store, entry: PushEntry, message: string): void;
}

/** The one entry of a 'single' operation's step. */
export function onlyEntry(entries: readonly PushEntry[]): PushEntry {
  const e = entries[0];
  if (!e) throw new StepFailure('A step without entries');
  return e;
}
