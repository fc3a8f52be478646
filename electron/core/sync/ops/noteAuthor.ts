// Who a note is written as in Intercom ("who am I"). For now the connected admin (the one stored at
// connection, else GET /me once per run); a chosen admin from Settings replaces this one function.
import type { PushRun } from './Operation';

export function noteAuthorId(run: PushRun): Promise<string> {
  return run.admin();
}
