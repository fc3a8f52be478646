// The funnel position as a step indicator: Lead -> Signed up for contacts, SQL -> Customer for
// companies. Earlier steps are done, the current one is marked, later ones are to come.
import { CONTACT_STAGES, COMPANY_STAGES } from '../../../shared/values';
import { COMPANY_STAGE_LABEL, CONTACT_STAGE_LABEL } from './labels';

export function StageSteps({ kind, stage }: { kind: 'contact' | 'company'; stage: string | null }) {
  const steps: readonly string[] = kind === 'contact' ? CONTACT_STAGES : COMPANY_STAGES;
  const labels: Record<string, string> = kind === 'contact' ? CONTACT_STAGE_LABEL : COMPANY_STAGE_LABEL;
  const at = stage === null ? -1 : steps.indexOf(stage);
  return (
    <ol className="stage-steps" aria-label={kind === 'contact' ? 'Contact stage' : 'Company stage'} data-testid={`${kind}-stage-steps`}>
      {steps.map((s, i) => (
        <li key={s} className={i < at ? 'done' : i === at ? 'current' : 'todo'} aria-current={i === at ? 'step' : undefined}>
          <span className="dot" aria-hidden="true">
            {i < at ? '✓' : i + 1}
          </span>
          {labels[s]}
        </li>
      ))}
    </ol>
  );
}
