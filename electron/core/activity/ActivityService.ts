// Activity: events of contacts and anonymous visitors, timelines, and the 90-day pull from Intercom.
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import type { ServiceContext } from '../ServiceContext';
import type { SyncEngine } from '../sync/SyncEngine';

const notBuilt = (what: string): never => {
  throw new AppError('INTERNAL', `${what} is not built yet.`);
};

export class ActivityService {
  constructor(readonly ctx: ServiceContext, readonly engine: SyncEngine) {}

  track(_input: ParsedInput<'events.track'>): MethodOutput<'events.track'> {
    return notBuilt('events.track');
  }

  contactTimeline(_input: ParsedInput<'contacts.timeline'>): MethodOutput<'contacts.timeline'> {
    return notBuilt('contacts.timeline');
  }

  companyTimeline(_input: ParsedInput<'companies.timeline'>): MethodOutput<'companies.timeline'> {
    return notBuilt('companies.timeline');
  }

  async pull(_input: ParsedInput<'events.pull'>): Promise<MethodOutput<'events.pull'>> {
    return notBuilt('events.pull');
  }
}
