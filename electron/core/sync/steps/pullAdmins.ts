// The team: GET /admins on every run, so owners can be named and picked and "who am I" chosen. A
// token without the right to read admins (403) or an answer the list cannot use leaves the team
// as it was and the rest of the run goes on; losing the network or the token stops it as usual.
import { IntercomError } from '../IntercomError';
import type { SyncStep } from './SyncStep';

export const pullAdmins: SyncStep = {
  name: 'admins',
  phase: 'pull',
  label: 'Fetching the team from Intercom',
  pull: true,
  when: () => true,
  async run({ ctx }) {
    let listed;
    try {
      // read ahead by the bootstrap step in this run, when it ran
      const ahead = ctx.run?.admins;
      if (ctx.run) ctx.run.admins = undefined;
      listed = await (ahead ?? ctx.client.listAdmins());
    } catch (e) {
      if (e instanceof IntercomError && (e.kind === 'forbidden' || e.kind === 'invalid' || e.kind === 'not_found' || e.kind === 'unusable')) {
        ctx.log(`admins: the team could not be read (${e.message}); the last list is kept`);
        return;
      }
      throw e;
    }
    const admins = (Array.isArray(listed?.admins) ? listed.admins : [])
      .filter((a) => a && (typeof a.id === 'string' || typeof a.id === 'number'))
      .map((a) => ({ id: String(a.id), name: a.name || null, email: a.email || null }));
    // an empty answer is more likely a fault than a team of nobody: keep the last list
    if (admins.length === 0) return;
    ctx.store.transaction(() => ctx.store.admins.replace(admins, ctx.now()));
  },
};
