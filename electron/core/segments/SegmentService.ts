// Saved segments (built-ins included) with live counts, and the resolution of a bulk target.
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import type { ServiceContext } from '../ServiceContext';

const notBuilt = (what: string): never => {
  throw new AppError('INTERNAL', `${what} is not built yet.`);
};

export class SegmentService {
  constructor(readonly ctx: ServiceContext) {}

  list(_input: ParsedInput<'segments.list'>): MethodOutput<'segments.list'> {
    return notBuilt('segments.list');
  }

  count(_input: ParsedInput<'segments.count'>): MethodOutput<'segments.count'> {
    return notBuilt('segments.count');
  }

  save(_input: ParsedInput<'segments.save'>): MethodOutput<'segments.save'> {
    return notBuilt('segments.save');
  }

  remove(_input: ParsedInput<'segments.delete'>): MethodOutput<'segments.delete'> {
    return notBuilt('segments.delete');
  }
}
