// The funnel: counts, conversion and time in stage, cohorts, and breakdowns by first touch or attribute.
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import type { ServiceContext } from '../ServiceContext';

const notBuilt = (what: string): never => {
  throw new AppError('INTERNAL', `${what} is not built yet.`);
};

export class FunnelService {
  constructor(readonly ctx: ServiceContext) {}

  get(_input: ParsedInput<'funnel.get'>): MethodOutput<'funnel.get'> {
    return notBuilt('funnel.get');
  }

  cohorts(_input: ParsedInput<'funnel.cohorts'>): MethodOutput<'funnel.cohorts'> {
    return notBuilt('funnel.cohorts');
  }

  breakdown(_input: ParsedInput<'funnel.breakdown'>): MethodOutput<'funnel.breakdown'> {
    return notBuilt('funnel.breakdown');
  }
}
