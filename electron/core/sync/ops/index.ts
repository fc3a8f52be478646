// The registry of outbox operations the pusher knows. A new Intercom operation is one module in
// this folder (see Operation.ts) plus one line in OPERATIONS.
import { archive } from './archive';
import { companyDelete } from './companyDelete';
import { companyFields } from './companyFields';
import { contactArchived } from './contactArchived';
import { contactDelete } from './contactDelete';
import { companyTag } from './companyTag';
import { companyUntag } from './companyUntag';
import { contactFields } from './contactFields';
import { contactTag } from './contactTag';
import { contactUntag } from './contactUntag';
import { event } from './event';
import { flush } from './flush';
import { link } from './link';
import { merge } from './merge';
import { message } from './message';
import { note } from './note';
import type { EntityType } from '../../../../shared/domain';
import type { Operation } from './Operation';
import { signUp } from './signUp';
import { unlink } from './unlink';

export const OPERATIONS: readonly Operation[] = [contactFields, companyFields, signUp, link, unlink, message, flush, event, archive, companyDelete, note, merge, contactArchived, contactDelete, contactTag, contactUntag, companyTag, companyUntag];

const byOp = new Map(OPERATIONS.flatMap((o) => o.ops.map((op) => [op, o] as const)));
const byKind = new Map(OPERATIONS.map((o) => [`${o.entity}:${o.kind}`, o] as const));

/** The operation that sends this outbox op, if this build knows it. */
export const operationOf = (op: string): Operation | undefined => byOp.get(op);

/** The operation that sends a step of this kind for a record of this type. */
export const operationFor = (entity: EntityType, kind: string): Operation | undefined => byKind.get(`${entity}:${kind}`);

/** Ops whose consecutive entries fold into one request (field changes, whatever the record). */
export const RUN_OPS: ReadonlySet<string> = new Set(OPERATIONS.filter((o) => o.fold === 'run').flatMap((o) => o.ops));

/** Ops that create their record in Intercom. */
export const CREATE_OPS: ReadonlySet<string> = new Set(OPERATIONS.flatMap((o) => o.creates ?? []));
