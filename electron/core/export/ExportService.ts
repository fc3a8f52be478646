// CSV export of the contacts table view (its filters, sort and columns) or of a selection.
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import type { ServiceContext } from '../ServiceContext';

const notBuilt = (what: string): never => {
  throw new AppError('INTERNAL', `${what} is not built yet.`);
};

export class ExportService {
  constructor(readonly ctx: ServiceContext, readonly exportsDir: string) {}

  exportContacts(_input: ParsedInput<'contacts.export'>): MethodOutput<'contacts.export'> {
    return notBuilt('contacts.export');
  }
}
