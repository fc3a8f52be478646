// Stage names as people read them: the one table behind the engine's messages, the CSV export and
// every screen. (Intercom's values for the stages are settings: DEFAULT_STAGE_VALUES in domain.ts.)
import type { COMPANY_STAGES, CONTACT_STAGES } from './values';

type ContactStage = (typeof CONTACT_STAGES)[number];
type CompanyStage = (typeof COMPANY_STAGES)[number];

export const CONTACT_STAGE_LABEL: Record<ContactStage, string> = { lead: 'Lead', signed_up: 'Signed up' };
export const COMPANY_STAGE_LABEL: Record<CompanyStage, string> = { sql: 'SQL', customer: 'Customer' };
/** Every stage, which is also every funnel position. */
export const STAGE_LABEL: Record<ContactStage | CompanyStage, string> = { ...CONTACT_STAGE_LABEL, ...COMPANY_STAGE_LABEL };
