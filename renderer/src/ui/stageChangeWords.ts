// How a stage change is told, the same in a record's history and in the timeline: what happened
// ("Added as Lead", "Company stage: SQL → Customer") and who did it, where ("by Ada", "in
// Intercom", "by Ada in Intercom"): never "by Intercom in Intercom".
import type { StageChange } from '../../../shared/domain';
import { COMPANY_STAGE_LABEL, CONTACT_STAGE_LABEL } from '../../../shared/stages';

const LABELS: Record<string, string> = { ...CONTACT_STAGE_LABEL, ...COMPANY_STAGE_LABEL };
export const stageName = (s: string | null) => (s === null ? 'No stage' : (LABELS[s] ?? s));

type Change = Pick<StageChange, 'fromStage' | 'toStage' | 'actor' | 'source'> & { entityType?: 'contact' | 'company' };

/** What happened, subject first for a company (a contact's page and timeline are about the contact). */
export function stageChangeWhat(c: Change): string {
  const company = c.entityType === 'company';
  if (c.fromStage === null) return company ? `Company added at stage ${stageName(c.toStage)}` : `Added as ${stageName(c.toStage)}`;
  const move = `${stageName(c.fromStage)} → ${stageName(c.toStage)}`;
  return company ? `Company stage: ${move}` : move;
}

/** The name Intercom's own changes are recorded under (the pull's actor). */
export const INTERCOM_ACTOR = 'Intercom';

/** Who did it and where: a change that came from Intercom without a person's name says only where. */
export function stageChangeWho(c: Change): string {
  if (c.source !== 'intercom') return `by ${c.actor}`;
  return !c.actor || c.actor === INTERCOM_ACTOR ? 'in Intercom' : `by ${c.actor} in Intercom`;
}
