// Makes sure Intercom has every custom attribute the push is about to write (the stage attribute
// and any attribute a waiting entry carries): Intercom refuses writes to attributes that do not exist.
import type { IntercomClient } from './IntercomClient';
import { IntercomError } from './IntercomError';
import type { DataAttributeType } from './intercomTypes';
import type { SyncContext } from './SyncContext';

type Model = 'contact' | 'company';

/**
 * Attribute names known to exist, for the client that listed them. Kept on the run context (one
 * client per connection and run), so that a second call in a run costs one listing per model at
 * most once, not one per call.
 */
export interface KnownAttributes {
  client: IntercomClient;
  names: Record<Model, Set<string>>;
}

/** Forget what this run knows: Intercom said an attribute does not exist after all (archived meanwhile). */
export function forgetAttributes(ctx: SyncContext): void {
  if (ctx.run) ctx.run.attributes = undefined;
}

const STOPPING = new Set(['auth', 'offline', 'aborted', 'transient', 'rate_limited']);

async function listNames(client: IntercomClient, model: Model): Promise<Set<string>> {
  const list = await client.listDataAttributes(model);
  const names = new Set<string>();
  for (const a of list.data ?? []) {
    // standard attributes share the namespace: a custom "email" would be refused anyway
    names.add(a.name);
    if (a.full_name?.startsWith('custom_attributes.')) names.add(a.full_name.slice('custom_attributes.'.length));
  }
  return names;
}

/** The Intercom type for the values waiting entries carry: a mix of number kinds is float, any text makes it a string. */
function typeFor(jsonTypes: Set<string>): DataAttributeType | null {
  const t = new Set([...jsonTypes].filter((x) => x !== 'null'));
  if (t.size === 0) return null; // only removals: nothing to write, nothing to create
  if (t.has('text')) return 'string';
  const bool = t.has('true') || t.has('false');
  const num = t.has('integer') || t.has('real');
  if (bool && num) return 'string';
  if (bool) return 'boolean';
  return t.has('real') ? 'float' : 'integer';
}

/**
 * One attribute created, or found to exist after all, or refused (Intercom's words), or
 * unavailable this run: a create that failed twice (the listing in between showed it did not land).
 */
async function createAttribute(
  ctx: SyncContext,
  names: Record<Model, Set<string>>,
  model: Model,
  name: string,
  dataType: DataAttributeType,
): Promise<'created' | 'exists' | 'unavailable' | { refused: string }> {
  const { client } = ctx;
  for (let attempt = 1; ; attempt++) {
    try {
      await client.createDataAttribute({ name, model, data_type: dataType });
      names[model].add(name);
      return 'created';
    } catch (e) {
      if (!(e instanceof IntercomError)) throw e;
      if (e.kind === 'uncertain') {
        // the create is not repeated blindly (a repeat answers "already have"): look instead
        names[model] = await listNames(client, model);
        if (names[model].has(name)) return 'exists';
        // it did not land, so once more; then the entries writing it wait for a later run (one
        // 5xx must not hold back every other change)
        if (attempt < 2) continue;
        ctx.log(`Intercom did not create the ${model} attribute '${name}' this time: ${e.message}; the changes writing it wait for the next run`);
        return 'unavailable';
      }
      if (STOPPING.has(e.kind)) throw e;
      // A refused name (taken by the other model, reserved, invalid) stops only the entries that
      // write it: they fail with Intercom's own words, and everything else goes out.
      // Intercom keeps one namespace for people and company attributes: when the stage attribute's
      // name is taken by the other model, only an admin (or another name in Settings) can fix it.
      ctx.log(`Intercom refused to create the ${model} attribute '${name}' (${dataType}): ${e.message}`, e);
      return { refused: e.message };
    }
  }
}

export interface BootstrapResult {
  /** `model.name` of each attribute created now. */
  created: string[];
  /** Attributes Intercom would not create, with its reason; the entries writing them fail with it. */
  refused: Array<{ model: Model; name: string; message: string }>;
  /**
   * `model.name` of attributes Intercom failed to create this time (a 5xx, twice): the entries
   * writing them wait for a later run, and everything else goes out now. Absent when none.
   */
  unavailable?: string[];
}

/** Creates what is missing; the engine runs it once per run, as its bootstrap step (steps/bootstrap.ts). */
export async function ensureStageAttributes(ctx: SyncContext): Promise<BootstrapResult> {
  const { client } = ctx;
  const { stageAttribute, companyStageAttribute } = ctx.settings();
  const run = (ctx.run ??= {});
  let names = run.attributes?.client === client ? run.attributes.names : undefined;
  if (!names) {
    // both listings at once: one answer's wait instead of two before every run's first change
    const [contact, company] = await Promise.all([listNames(client, 'contact'), listNames(client, 'company')]);
    names = { contact, company };
    run.attributes = { client, names };
  }

  const wanted = new Map<string, { model: Model; name: string; types: Set<string> }>();
  const want = (model: Model, name: string, type: string) => {
    const key = `${model}.${name}`;
    const w = wanted.get(key) ?? { model, name, types: new Set<string>() };
    w.types.add(type);
    wanted.set(key, w);
  };
  want('contact', stageAttribute, 'text');
  want('company', companyStageAttribute, 'text');
  for (const a of ctx.store.sync.pendingAttributes()) want(a.entity_type, a.name, a.type);

  const created: string[] = [];
  const refused: BootstrapResult['refused'] = [];
  const unavailable: string[] = [];
  for (const w of wanted.values()) {
    if (names[w.model].has(w.name)) continue;
    const dataType = w.name === stageAttribute || w.name === companyStageAttribute ? 'string' : typeFor(w.types);
    if (!dataType) continue;
    const outcome = await createAttribute(ctx, names, w.model, w.name, dataType);
    if (outcome === 'created') created.push(`${w.model}.${w.name}`);
    else if (outcome === 'unavailable') unavailable.push(`${w.model}.${w.name}`);
    else if (outcome !== 'exists') refused.push({ model: w.model, name: w.name, message: outcome.refused });
  }
  return unavailable.length > 0 ? { created, refused, unavailable } : { created, refused };
}
