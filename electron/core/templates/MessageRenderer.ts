// Renders a message's subject and body for each contact it goes to, so what is stored (and sent
// to Intercom) is the text the preview showed. Used by messages.send, bulk.run and the preview.
import { AppError } from '../../../shared/errors';
import { MessageTemplateError, parseMessageTemplate, renderMessageTemplate, type TemplatePart } from '../../../shared/messageTemplate';
import { parseAttributes } from '../db/rows';
import type { Store } from '../db/Store';

export interface CompiledMessage {
  subject: TemplatePart[] | null;
  body: TemplatePart[];
}

export interface RenderedFor {
  subject: string | null;
  body: string;
  missing: string[];
}

/** Parses both parts; a template error becomes VALIDATION on the field it is in, naming the placeholder. */
export function compileMessage(subject: string | null | undefined, body: string): CompiledMessage {
  const parse = (text: string, field: string) => {
    try {
      return parseMessageTemplate(text);
    } catch (e) {
      if (e instanceof MessageTemplateError) throw new AppError('VALIDATION', e.message, { field, details: { placeholder: e.placeholder } });
      throw e;
    }
  };
  return { subject: subject ? parse(subject, 'subject') : null, body: parse(body, 'body') };
}

export class MessageRenderer {
  constructor(private readonly store: Store) {}

  /** The message for each of these contacts (by id); ids that do not exist are left out. */
  render(compiled: CompiledMessage, contactIds: readonly string[]): Map<string, RenderedFor> {
    const out = new Map<string, RenderedFor>();
    for (const row of this.store.templates.valuesOf(contactIds)) {
      const values = { name: row.name, email: row.email, companyName: row.company_name, custom: parseAttributes(row.custom_attributes) };
      const body = renderMessageTemplate(compiled.body, values);
      const subject = compiled.subject ? renderMessageTemplate(compiled.subject, values) : null;
      const missing = subject ? [...new Set([...subject.missing, ...body.missing])] : body.missing;
      out.set(row.id, { subject: subject ? subject.text.trim() : null, body: body.text.trim(), missing });
    }
    return out;
  }
}
