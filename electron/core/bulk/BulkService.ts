// Bulk actions on a segment or a selection: counted before they run, one change, undoable as a
// whole until any of it reaches Intercom.
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import type { ServiceContext } from '../ServiceContext';
import type { SegmentService } from '../segments/SegmentService';

const notBuilt = (what: string): never => {
  throw new AppError('INTERNAL', `${what} is not built yet.`);
};

export class BulkService {
  constructor(readonly ctx: ServiceContext, readonly segments: SegmentService) {}

  run(_input: ParsedInput<'bulk.run'>): MethodOutput<'bulk.run'> {
    return notBuilt('bulk.run');
  }

  undo(_input: ParsedInput<'bulk.undo'>): MethodOutput<'bulk.undo'> {
    return notBuilt('bulk.undo');
  }

  list(_input: ParsedInput<'bulk.list'>): MethodOutput<'bulk.list'> {
    return notBuilt('bulk.list');
  }
}
