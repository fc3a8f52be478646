// How a record's entries become requests (pure): field runs fold, other ops stand alone, and a
// create that was already sent keeps the identity it went out with.
import { describe, expect, it } from 'vitest';
import { foldContact, overlayBase, type PushEntry } from '../../electron/core/sync/fold';
import { planSteps } from '../../electron/core/sync/ops/planSteps';
import type { ContactBase } from '../../electron/core/sync/mapping';

let seq = 0;
const e = (op: string, payload: Record<string, unknown> = {}, attempts = 0): PushEntry => ({ seq: ++seq, op, payload, attempts });
const kinds = (steps: ReturnType<typeof planSteps>) => steps.map((s) => `${s.kind}:${s.entries.map((x) => x.op.split('.')[1]).join('+')}`);

describe('planSteps', () => {
  it('folds consecutive field entries and keeps links and messages as their own steps, in order', () => {
    const steps = planSteps(
      [e('contact.update', { name: 'a' }), e('contact.setStage', { stage: 'signed_up' }), e('company.link', { companyId: 'c' }), e('contact.update'), e('message.send')],
      'contact',
      true,
    );
    expect(kinds(steps)).toEqual(['fields:update+setStage', 'link:link', 'fields:update', 'message:send']);
  });

  it('folds a sign-up into a create that never left, but not into one that may have reached Intercom', () => {
    const fresh = planSteps([e('contact.create', { role: 'lead' }), e('contact.signUp', { role: 'user', externalId: 'u' }), e('contact.update', { name: 'x' })], 'contact', false);
    expect(kinds(fresh)).toEqual(['fields:create+signUp+update']);
    const sent = planSteps(
      [e('contact.create', { role: 'lead' }, 1), e('contact.update', { name: 'x' }), e('contact.signUp', { role: 'user', externalId: 'u' }), e('contact.update', { externalId: 'v' })],
      'contact',
      false,
    );
    expect(kinds(sent)).toEqual(['fields:create+update', 'signUp:signUp', 'fields:update']);
  });

  it('a create that was sent repeats the identity it went out with: a sign-up sent with it stays folded, also once a pull adopted the contact', () => {
    const entries = [e('contact.create', { role: 'lead' }, 1), e('contact.update', { name: 'x' }, 1), e('contact.signUp', { role: 'user', externalId: 'u' }, 1), e('contact.signUp', { role: 'user', externalId: 'u' })];
    expect(kinds(planSteps(entries, 'contact', false))).toEqual(['fields:create+update+signUp', 'signUp:signUp']);
    expect(kinds(planSteps(entries, 'contact', true))).toEqual(['fields:create+update+signUp', 'signUp:signUp']);
    // adopted before it was ever sent: the create and the sign-up still go out together
    expect(kinds(planSteps([e('contact.create', { role: 'lead' }), e('contact.signUp', { role: 'user', externalId: 'u' })], 'contact', true))).toEqual(['fields:create+signUp']);
  });

  it('a sign-up of a contact already in Intercom is its own step', () => {
    expect(kinds(planSteps([e('contact.signUp'), e('contact.setStage')], 'contact', true))).toEqual(['signUp:signUp', 'fields:setStage']);
  });

  it('a record not in Intercom whose create was discarded is created from its row first', () => {
    expect(kinds(planSteps([e('company.link')], 'contact', false))).toEqual(['fields:', 'link:link']);
  });

  it('an op this build does not know stands alone', () => {
    expect(kinds(planSteps([e('contact.update'), e('contact.teleport')], 'contact', true))).toEqual(['fields:update', 'unknown:teleport']);
  });
});

describe('foldContact / overlayBase', () => {
  it('merges payloads in order, custom attribute deltas included, and ignores what is not an Intercom field', () => {
    const patch = foldContact([
      e('contact.create', { role: 'lead', email: 'a@x.io', name: null, visitorId: 'v1', stage: 'lead', customAttributes: { a: 1, b: 'x' } }),
      e('contact.update', { name: 'A', customAttributes: { b: null, c: true } }),
      e('contact.setStage', { from: 'lead', stage: 'signed_up' }),
    ]);
    expect(patch).toEqual({ role: 'lead', email: 'a@x.io', name: 'A', stage: 'signed_up', customAttributes: { a: 1, b: null, c: true } });
  });

  it('takes the sent fields from Intercom and keeps the rest of the previous base', () => {
    const prev: ContactBase = { email: 'old@x.io', name: 'Old', phone: '1234', externalId: null, role: 'lead', stage: 'lead', unsubscribedFromEmails: false, customAttributes: { a: 1, b: 'x' } };
    const remote: ContactBase = { ...prev, email: 'new@x.io', name: 'Changed remotely', stage: 'signed_up', customAttributes: { a: 1, c: true } };
    const next = overlayBase(prev, remote, { email: 'New@x.io', stage: 'signed_up', customAttributes: { b: null, c: true } });
    expect(next).toEqual({ ...prev, email: 'new@x.io', stage: 'signed_up', customAttributes: { a: 1, c: true } });
  });
});
