import { describe, expect, it } from 'vitest';
import { MessageTemplateError, parseMessageTemplate, renderMessageTemplate, type TemplateValues } from '../../shared/messageTemplate';

const ana: TemplateValues = { name: 'Ana  Lima', email: 'ana@example.com', companyName: 'Kelvin Ltd', custom: { plan: 'Pro', seats: 12, empty: '  ' } };
const nobody: TemplateValues = { name: null, email: null, companyName: null, custom: {} };
const render = (t: string, v: TemplateValues) => renderMessageTemplate(parseMessageTemplate(t), v);

describe('message templates', () => {
  it('fills every built-in placeholder and custom attributes', () => {
    const r = render('Hi {{first_name}} ({{name}}, {{ email }}) at {{company_name}}: {{custom.plan}} x{{custom.seats}}', ana);
    expect(r.text).toBe('Hi Ana (Ana  Lima, ana@example.com) at Kelvin Ltd: Pro x12');
    expect(r.missing).toEqual([]);
  });

  it('uses the fallback for a missing value, and counts a missing value without one', () => {
    expect(render('Hi {{first_name | fallback: "there"}}!', nobody)).toEqual({ text: 'Hi there!', missing: [] });
    const r = render('Hi {{first_name}} from {{company_name}} {{custom.empty}} {{first_name}}', { ...nobody, custom: { empty: ' ' } });
    expect(r.text).toBe('Hi  from   ');
    expect(r.missing).toEqual(['{{first_name}}', '{{company_name}}', '{{custom.empty}}']);
  });

  it('keeps text without placeholders as it is', () => {
    expect(render('Plain text, with { single } braces and }} closers.', nobody).text).toBe('Plain text, with { single } braces and }} closers.');
  });

  it('writes a literal {{ for \\{{, and fallbacks may quote " and contain }}', () => {
    expect(render('Type \\{{name}} to get {{name}}', ana).text).toBe('Type {{name}} to get Ana  Lima');
    expect(render('{{name | fallback: "the \\"team\\" }}"}}', nobody).text).toBe('the "team" }}');
  });

  it('names an unknown placeholder in its error', () => {
    const err = (() => {
      try {
        parseMessageTemplate('Hello {{firstname}}, {{name}}');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(MessageTemplateError);
    expect((err as MessageTemplateError).message).toMatch(/Unknown placeholder \{\{firstname\}\}/);
    expect((err as MessageTemplateError).placeholder).toBe('{{firstname}}');
  });

  it('refuses an unclosed placeholder, an empty one and a malformed fallback', () => {
    expect(() => parseMessageTemplate('Hi {{name')).toThrow(/not closed/);
    expect(() => parseMessageTemplate('Hi {{ }}')).toThrow(/empty placeholder/);
    expect(() => parseMessageTemplate('Hi {{name | default: "x"}}')).toThrow(/fallback: "text"/);
  });
});
