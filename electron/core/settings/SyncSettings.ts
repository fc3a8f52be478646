// How stages are spelled in Intercom: read by the settings screen and by every sync step. It lives
// here, beside the settings that hold it, so that the sync depends on settings and not the reverse.
import type { StageValues } from '../../../shared/domain';

export interface SyncSettings {
  /** Name of the contact attribute that carries the stage. */
  stageAttribute: string;
  /** Name of the company attribute that carries the company's stage. */
  companyStageAttribute: string;
  stageValues: StageValues;
}
