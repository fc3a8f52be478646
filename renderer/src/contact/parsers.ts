// Parsers for the in-place fields: typed text -> the value the API takes, checked with the
// shared schemas. An emptied optional field means "remove it" (null).
import { z } from 'zod';
import { Email, ExternalRef, Name, Phone, text } from '../../../shared/domain';
import { check, type Checked } from './fieldErrors';

/** Optional text: empty clears it; anything else must pass `schema`. */
export function optional<T>(schema: z.ZodType<T>, label: string) {
  return (raw: string): Checked<T | null> => (raw.trim() === '' ? { ok: true, value: null } : check(schema, raw, label));
}

/** Required text: empty is refused with the schema's own message. */
export function required<T>(schema: z.ZodType<T>, label: string) {
  return (raw: string): Checked<T> => check(schema, raw, label);
}

export const parseEmail = optional(Email, 'Email');
export const parseName = optional(Name, 'Name');
export const parsePhone = optional(Phone, 'Phone');
export const parseRef = (label: string) => optional(ExternalRef, label);
export const parsePlan = optional(text(100), 'Plan');

const Spend = z
  .number({ message: 'must be a number' })
  .finite({ message: 'must be a number' })
  .min(0, { message: 'must not be negative' })
  .max(1e12, { message: 'is too large' });

/** A money amount as people type it: "1200", "1,200.50", "1 200". */
export function parseSpend(raw: string): Checked<number | null> {
  const t = raw.trim().replace(/[\s,]/g, '');
  if (t === '') return { ok: true, value: null };
  if (!/^-?\d*\.?\d+$/.test(t)) return { ok: false, message: 'Monthly spend: must be a number' };
  return check(Spend, Number(t), 'Monthly spend');
}

const spendFmt = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
export const formatSpend = (n: number | null) => (n === null ? '' : spendFmt.format(n));
