// Stage ordering rules: promotions go ahead freely, demotions need an explicit confirmation.
import { COMPANY_STAGE_RANK, CONTACT_STAGE_RANK, type CompanyStage, type ContactStage } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import { STAGE_LABEL } from '../../../shared/stages';

export const stageLabel = (s: ContactStage | CompanyStage | null) => (s === null ? 'no stage' : STAGE_LABEL[s]);

function check(fromRank: number, toRank: number, what: string, from: string, to: string, confirm: boolean | undefined) {
  if (toRank < fromRank && !confirm) {
    throw new AppError('CONFIRM_REQUIRED', `Moving ${what} back from ${from} to ${to} is a demotion; confirm it to go ahead.`, {
      field: 'confirm',
      details: { from, to },
    });
  }
}

export function checkContactStageMove(from: ContactStage, to: ContactStage, what: string, confirm?: boolean): void {
  check(CONTACT_STAGE_RANK[from], CONTACT_STAGE_RANK[to], what, stageLabel(from), stageLabel(to), confirm);
}

export function checkCompanyStageMove(from: CompanyStage | null, to: CompanyStage, what: string, confirm?: boolean): void {
  const rank = (s: CompanyStage | null) => (s === null ? -1 : COMPANY_STAGE_RANK[s]);
  check(rank(from), rank(to), what, stageLabel(from), stageLabel(to), confirm);
}

/** True when `to` is further along than `from` (a company that is already a customer stays one). */
export function isCompanyPromotion(from: CompanyStage | null, to: CompanyStage): boolean {
  return (from === null ? -1 : COMPANY_STAGE_RANK[from]) < COMPANY_STAGE_RANK[to];
}
