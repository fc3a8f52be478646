// CSV / JSON lines import: upload in chunks, analyse, map, preview, run in the background with
// progress, pause / resume / roll back, and a report per row.
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import type { ServiceContext } from '../ServiceContext';

const notBuilt = (what: string): never => {
  throw new AppError('INTERNAL', `${what} is not built yet.`);
};

export class ImportService {
  constructor(readonly ctx: ServiceContext, readonly dataDir: string) {}

  open(_input: ParsedInput<'import.open'>): MethodOutput<'import.open'> {
    return notBuilt('import.open');
  }

  chunk(_input: ParsedInput<'import.chunk'>): MethodOutput<'import.chunk'> {
    return notBuilt('import.chunk');
  }

  analyse(_input: ParsedInput<'import.analyse'>): MethodOutput<'import.analyse'> {
    return notBuilt('import.analyse');
  }

  preview(_input: ParsedInput<'import.preview'>): MethodOutput<'import.preview'> {
    return notBuilt('import.preview');
  }

  start(_input: ParsedInput<'import.start'>): MethodOutput<'import.start'> {
    return notBuilt('import.start');
  }

  pause(_input: ParsedInput<'import.pause'>): MethodOutput<'import.pause'> {
    return notBuilt('import.pause');
  }

  resume(_input: ParsedInput<'import.resume'>): MethodOutput<'import.resume'> {
    return notBuilt('import.resume');
  }

  rollback(_input: ParsedInput<'import.rollback'>): MethodOutput<'import.rollback'> {
    return notBuilt('import.rollback');
  }

  status(_input: ParsedInput<'import.status'>): MethodOutput<'import.status'> {
    return notBuilt('import.status');
  }

  list(_input: ParsedInput<'import.list'>): MethodOutput<'import.list'> {
    return notBuilt('import.list');
  }

  report(_input: ParsedInput<'import.report'>): MethodOutput<'import.report'> {
    return notBuilt('import.report');
  }
}
