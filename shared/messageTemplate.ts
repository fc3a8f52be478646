// The message template language: `{{first_name | fallback: "there"}}`, `{{name}}`, `{{email}}`,
// `{{company_name}}`, `{{custom.<attribute>}}`; `\{{` writes a literal `{{`. Parsed once, rendered
// per contact; pure, so the composer's preview and the engine's send render the same text.

/** The placeholders every contact has; custom attributes come as `custom.<name>`. */
export const TEMPLATE_FIELDS = ['first_name', 'name', 'email', 'company_name'] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];

export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'placeholder'; field: TemplateField | `custom.${string}`; fallback: string | null; source: string };

/** A template that cannot be parsed; `placeholder` is the offending `{{…}}` as written, when there is one. */
export class MessageTemplateError extends Error {
  constructor(
    message: string,
    readonly placeholder: string | null,
  ) {
    super(message);
    this.name = 'MessageTemplateError';
  }
}

/** What a contact brings to a template; null or blank means missing. */
export interface TemplateValues {
  name: string | null;
  email: string | null;
  companyName: string | null;
  custom: Record<string, unknown>;
}

export interface Rendered {
  text: string;
  /** The placeholders (as `{{field}}`) without a value and without a fallback, once each. */
  missing: string[];
}

const KNOWN = `${TEMPLATE_FIELDS.join(', ')} or custom.<attribute>`;
const FIELD = /^(first_name|name|email|company_name|custom\.[A-Za-z0-9_][A-Za-z0-9_ .-]*)$/;
const FALLBACK = /^fallback\s*:\s*"((?:[^"\\]|\\.)*)"$/;

function parsePlaceholder(inner: string, source: string): TemplatePart {
  const bar = inner.indexOf('|');
  const field = (bar < 0 ? inner : inner.slice(0, bar)).trim();
  if (!FIELD.test(field)) {
    const what = field === '' ? 'An empty placeholder' : `Unknown placeholder {{${field}}}`;
    throw new MessageTemplateError(`${what}: use ${KNOWN}.`, source);
  }
  let fallback: string | null = null;
  if (bar >= 0) {
    const m = FALLBACK.exec(inner.slice(bar + 1).trim());
    if (!m) throw new MessageTemplateError(`In ${source}: write a fallback as | fallback: "text".`, source);
    fallback = m[1]!.replace(/\\(.)/g, '$1');
  }
  return { kind: 'placeholder', field: field as TemplateField | `custom.${string}`, fallback, source };
}

/** Splits a template into text and placeholders; throws MessageTemplateError naming what is wrong. */
export function parseMessageTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    if (template.startsWith('\\{{', i)) {
      text += '{{';
      i += 3;
      continue;
    }
    if (!template.startsWith('{{', i)) {
      text += template[i];
      i++;
      continue;
    }
    // a closing }} inside a quoted fallback does not end the placeholder
    let j = i + 2;
    let quoted = false;
    while (j < template.length && (quoted || !template.startsWith('}}', j))) {
      if (template[j] === '\\' && quoted) j++;
      else if (template[j] === '"') quoted = !quoted;
      j++;
    }
    if (j >= template.length) {
      throw new MessageTemplateError(`A placeholder is not closed: ${template.slice(i, i + 30)}… needs }} (write \\{{ for a literal {{).`, null);
    }
    const source = template.slice(i, j + 2);
    if (text) parts.push({ kind: 'text', text });
    text = '';
    parts.push(parsePlaceholder(template.slice(i + 2, j), source));
    i = j + 2;
  }
  if (text) parts.push({ kind: 'text', text });
  return parts;
}

function valueOf(field: string, v: TemplateValues): string {
  const raw: unknown =
    field === 'first_name'
      ? (v.name?.trim().split(/\s+/)[0] ?? null)
      : field === 'name'
        ? v.name
        : field === 'email'
          ? v.email
          : field === 'company_name'
            ? v.companyName
            : v.custom[field.slice('custom.'.length)];
  if (raw === null || raw === undefined) return '';
  return String(raw).trim();
}

/** The text for one contact; a missing value takes the fallback, else is left empty and counted. */
export function renderMessageTemplate(parts: readonly TemplatePart[], values: TemplateValues): Rendered {
  let text = '';
  const missing = new Set<string>();
  for (const p of parts) {
    if (p.kind === 'text') {
      text += p.text;
      continue;
    }
    const value = valueOf(p.field, values);
    if (value) text += value;
    else if (p.fallback !== null) text += p.fallback;
    else missing.add(`{{${p.field}}}`);
  }
  return { text, missing: [...missing] };
}

/** Whether the text has any placeholder (or escape) at all: plain text renders to itself. */
export function hasPlaceholders(template: string): boolean {
  return template.includes('{{');
}
