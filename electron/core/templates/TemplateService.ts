// Saved message templates (list, save, delete) and the preview of a message rendered for the
// contacts it would go to, with the count of those who lack a value that has no fallback.
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import type { MessageTemplate } from '../../../shared/api/templates';
import { AppError } from '../../../shared/errors';
import { iso } from '../db/rows';
import type { TemplateRow } from '../db/TemplateRepository';
import type { ServiceContext } from '../ServiceContext';
import { compileMessage, MessageRenderer } from './MessageRenderer';

type Target = ParsedInput<'templates.preview'>['target'];
/** The contacts of a target, as bulk actions resolve it (selection order, or segment pk order). */
export type ResolveTarget = (target: Target) => { id: string; name: string | null; email: string | null; unsubscribed_from_emails: number }[];

const toTemplate = (r: TemplateRow): MessageTemplate => ({
  id: r.id,
  name: r.name,
  channel: r.channel,
  subject: r.subject,
  body: r.body,
  updatedAt: iso(r.updated_at),
  actor: r.actor,
});

export class TemplateService {
  private readonly renderer: MessageRenderer;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly resolve: ResolveTarget,
  ) {
    this.renderer = new MessageRenderer(ctx.store);
  }

  list(): MethodOutput<'templates.list'> {
    return { items: this.ctx.store.templates.list().map(toTemplate) };
  }

  save(input: ParsedInput<'templates.save'>): MessageTemplate {
    const { store, actor } = this.ctx;
    const subject = input.channel === 'email' && input.subject ? input.subject : null;
    compileMessage(subject, input.body);
    const saved = store.transaction(() => {
      const sameName = store.templates.byName(input.name);
      if (sameName && sameName.id !== input.id) {
        throw new AppError('CONFLICT', `A template named “${sameName.name}” already exists; pick another name.`, { field: 'name' });
      }
      const at = this.ctx.now();
      if (input.id) {
        if (!store.templates.byId(input.id)) throw new AppError('NOT_FOUND', `There is no template with id ${input.id}.`, { field: 'id' });
        store.templates.update({ id: input.id, name: input.name, channel: input.channel, subject, body: input.body, updated_at: at, actor });
        return store.templates.byId(input.id)!;
      }
      const id = this.ctx.newId();
      store.templates.insert({ id, name: input.name, channel: input.channel, subject, body: input.body, created_at: at, updated_at: at, actor });
      return store.templates.byId(id)!;
    });
    this.ctx.hub.emit('changed', { entity: 'template', ids: [saved.id], op: 'template.save' });
    return toTemplate(saved);
  }

  delete({ id }: ParsedInput<'templates.delete'>): MethodOutput<'templates.delete'> {
    const deleted = this.ctx.store.transaction(() => this.ctx.store.templates.delete(id));
    if (deleted) this.ctx.hub.emit('changed', { entity: 'template', ids: [id], op: 'template.delete' });
    return { id, deleted };
  }

  preview(input: ParsedInput<'templates.preview'>): MethodOutput<'templates.preview'> {
    const compiled = compileMessage(input.channel === 'email' ? input.subject : null, input.body);
    // an email skips contacts without an address or who unsubscribed, as sending does
    const recipients = this.resolve(input.target).filter((c) => input.channel !== 'email' || (c.email && c.unsubscribed_from_emails !== 1));
    const rendered = this.renderer.render(compiled, recipients.map((c) => c.id));
    const perPlaceholder = new Map<string, number>();
    let missingCount = 0;
    for (const r of rendered.values()) {
      if (r.missing.length > 0) missingCount++;
      for (const p of r.missing) perPlaceholder.set(p, (perPlaceholder.get(p) ?? 0) + 1);
    }
    const items = recipients.slice(0, input.limit).flatMap((c) => {
      const r = rendered.get(c.id);
      return r ? [{ contactId: c.id, to: c.name ?? c.email ?? 'Unnamed contact', ...r }] : [];
    });
    return { items, recipients: recipients.length, missingCount, missing: [...perPlaceholder].map(([placeholder, count]) => ({ placeholder, count })) };
  }
}
