// The one message composer, for one contact (the record's Messages) and for a bulk send: a saved
// template to start from, the channel as one control, a subject for emails only, the text with
// placeholders, and a live preview of the first rendered messages with the count of contacts who
// lack a value that has no fallback. What the preview shows is what each contact is sent.
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import type { MethodOutput } from '../../../shared/api';
import type { MessageTemplate } from '../../../shared/api/templates';
import type { MessageChannel } from '../../../shared/domain';
import { useClient } from '../state/ClientContext';
import { describeError, describeWithoutLabel, toast } from '../state/toastStore';
import { useChanged } from '../state/useChanged';
import { plural } from '../ui/labels';
import { fieldOf } from '../contact/fieldErrors';
import type { BulkTarget } from '../leads/bulkActions';
import './composer.css';

type Preview = MethodOutput<'templates.preview'>;
type Field = 'channel' | 'subject' | 'body';
const FIELD_LABEL: Record<Field, string> = { channel: 'Channel', subject: 'Subject', body: 'Message text' };
const PREVIEW_COUNT = 3;

export interface ComposedMessage {
  channel: MessageChannel;
  subject?: string;
  body: string;
}

export function MessageComposer({
  target,
  many,
  emailBlocked = null,
  onSend,
  onCancel,
  autoFocus = true,
}: {
  /** Who the message goes to: the contact alone, or the bulk's target. */
  target: BulkTarget;
  /** A bulk send: the button counts the recipients and the send is confirmed after. */
  many: boolean;
  /** Why this contact cannot get an email (`short` beside the choice, `why` in a sentence), or null: it can. */
  emailBlocked?: { short: string; why: string } | null;
  /** Sends (or counts and confirms); a thrown error is shown on its field. */
  onSend: (m: ComposedMessage) => Promise<void>;
  onCancel: () => void;
  autoFocus?: boolean;
}) {
  const client = useClient();
  const uid = useId();
  const canEmail = emailBlocked === null;
  const [channel, setChannel] = useState<MessageChannel>('inapp');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field | 'form', string>>>({});
  const [busy, setBusy] = useState(false);
  const [templates, setTemplates] = useState<MessageTemplate[]>([]);
  const [templateId, setTemplateId] = useState('');
  const [saveName, setSaveName] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);

  const loadTemplates = useCallback(() => {
    client
      .call('templates.list', {})
      .then((r) => setTemplates(r.items))
      .catch(() => setTemplates([]));
  }, [client]);
  useEffect(loadTemplates, [loadTemplates]);
  useChanged(['template'], loadTemplates, { delay: 100 });

  // the preview follows the text, a moment after typing stops
  const targetKey = JSON.stringify(target);
  useEffect(() => {
    if (!body.trim()) {
      setPreview(null);
      setPreviewError(null);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      client
        .call('templates.preview', {
          target: JSON.parse(targetKey) as BulkTarget,
          channel,
          ...(channel === 'email' && subject.trim() ? { subject: subject.trim() } : {}),
          body: body.trim(),
          limit: PREVIEW_COUNT,
        })
        .then((p) => {
          if (!live) return;
          setPreview(p);
          setPreviewError(null);
        })
        .catch((e: unknown) => {
          if (!live) return;
          setPreview(null);
          setPreviewError(describeError(e));
        });
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [client, targetKey, channel, subject, body]);

  const pickTemplate = (id: string) => {
    setTemplateId(id);
    const t = templates.find((x) => x.id === id);
    if (!t) return;
    setChannel(t.channel === 'email' && !canEmail ? 'inapp' : t.channel);
    setSubject(t.subject ?? '');
    setBody(t.body);
    setErrors({});
  };

  const saveTemplate = async () => {
    const name = (saveName ?? '').trim();
    if (!name) return;
    try {
      const existing = templates.find((x) => x.name.toLowerCase() === name.toLowerCase());
      const saved = await client.call('templates.save', {
        ...(existing ? { id: existing.id } : {}),
        name,
        channel,
        ...(channel === 'email' && subject.trim() ? { subject: subject.trim() } : {}),
        body: body.trim(),
      });
      setTemplateId(saved.id);
      setSaveName(null);
      toast.ok(`Template “${saved.name}” saved.`);
      loadTemplates();
    } catch (e) {
      toast.error(e);
    }
  };

  const deleteTemplate = async () => {
    const t = templates.find((x) => x.id === templateId);
    if (!t) return;
    try {
      await client.call('templates.delete', { id: t.id });
      setTemplateId('');
      toast.ok(`Template “${t.name}” deleted.`);
      loadTemplates();
    } catch (e) {
      toast.error(e);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: typeof errors = {};
    if (channel === 'email' && !subject.trim()) found.subject = 'Subject: an email needs a subject';
    if (!body.trim()) found.body = 'Message text: must not be empty';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      await onSend({ channel, ...(channel === 'email' ? { subject: subject.trim() } : {}), body: body.trim() });
    } catch (err) {
      const f = fieldOf(err);
      const text = describeWithoutLabel(err);
      if (f === 'channel' || f === 'subject' || f === 'body') setErrors({ [f]: `${FIELD_LABEL[f]}: ${text}` });
      else setErrors({ form: describeError(err) });
    } finally {
      setBusy(false);
    }
  };

  const errorOf = (f: Field) =>
    errors[f] ? (
      <p id={`${uid}-${f}-error`} className="field-error" role="alert">
        {errors[f]}
      </p>
    ) : null;

  const recipients = preview?.recipients;
  const sendLabel = many ? (recipients === undefined ? 'Send…' : `Send to ${plural(recipients, 'contact')}…`) : 'Send';

  return (
    <form
      className="composer"
      aria-label="Send a message"
      data-testid={many ? 'bulk-message-form' : 'send-message-form'}
      noValidate
      onSubmit={(e) => void submit(e)}
      onKeyDown={(e) => {
        // Esc closes the composer, not the panel around it
        if (e.key === 'Escape') {
          e.preventDefault();
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <div className="composer-templates">
        <div className="field">
          <label htmlFor={`${uid}-template`}>
            <span>Template</span>
          </label>
          <select id={`${uid}-template`} value={templateId} onChange={(e) => pickTemplate(e.target.value)} data-testid="composer-template">
            <option value="">{templates.length === 0 ? 'No saved templates' : 'Start from a template…'}</option>
            {templates.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
        {templateId && (
          <button type="button" className="secondary" onClick={() => void deleteTemplate()}>
            Delete template
          </button>
        )}
      </div>
      <fieldset className="composer-channel" aria-describedby={errors.channel ? `${uid}-channel-error` : undefined}>
        <legend>Send as</legend>
        <label>
          <input type="radio" name={`${uid}-channel`} value="inapp" checked={channel === 'inapp'} onChange={() => setChannel('inapp')} autoFocus={autoFocus} />
          In-app message
        </label>
        <label>
          <input
            type="radio"
            name={`${uid}-channel`}
            value="email"
            checked={channel === 'email'}
            onChange={() => setChannel('email')}
            disabled={!canEmail}
            aria-describedby={emailBlocked ? `${uid}-email-blocked` : undefined}
          />
          Email{emailBlocked && <span className="muted"> ({emailBlocked.short})</span>}
        </label>
      </fieldset>
      {emailBlocked && (
        <p id={`${uid}-email-blocked`} className="muted rec-hint" data-testid="composer-email-blocked">
          {emailBlocked.why}
        </p>
      )}
      {errorOf('channel')}
      {channel === 'email' && (
        <div className="field">
          <label htmlFor={`${uid}-subject`}>
            <span>Subject</span>
          </label>
          <input
            id={`${uid}-subject`}
            value={subject}
            maxLength={255}
            aria-invalid={errors.subject ? true : undefined}
            aria-describedby={errors.subject ? `${uid}-subject-error` : undefined}
            onChange={(e) => {
              setSubject(e.target.value);
              setErrors((x) => ({ ...x, subject: undefined }));
            }}
          />
          {errorOf('subject')}
        </div>
      )}
      <div className="field">
        <label htmlFor={`${uid}-body`}>
          <span>Message text</span>
        </label>
        <textarea
          id={`${uid}-body`}
          value={body}
          rows={many ? 6 : 4}
          maxLength={20_000}
          aria-invalid={errors.body ? true : undefined}
          aria-describedby={`${uid}-body-hint${errors.body ? ` ${uid}-body-error` : ''}`}
          onChange={(e) => {
            setBody(e.target.value);
            setErrors((x) => ({ ...x, body: undefined }));
          }}
          onKeyDown={(e) => {
            // Ctrl/Cmd+Enter sends; plain Enter is a new line
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              e.currentTarget.form?.requestSubmit();
            }
          }}
        />
        <span id={`${uid}-body-hint`} className="muted composer-hint">
          Placeholders: <code>{'{{first_name | fallback: "there"}}'}</code>, <code>{'{{name}}'}</code>, <code>{'{{email}}'}</code>,{' '}
          <code>{'{{company_name}}'}</code>, <code>{'{{custom.plan}}'}</code>. Sent from the connected Intercom admin. Ctrl+Enter (⌘+Enter on a
          Mac) sends. You can undo for 10 seconds; after that the messages cannot be taken back.
        </span>
        {errorOf('body')}
      </div>
      {previewError && (
        <p className="field-error" role="alert" data-testid="composer-preview-error">
          {previewError}
        </p>
      )}
      {preview && (
        <section className="composer-preview" aria-label="Preview" data-testid="composer-preview">
          <h4>
            Preview{many && preview.recipients > preview.items.length ? `: the first ${preview.items.length} of ${plural(preview.recipients, 'contact')}` : ''}
          </h4>
          {preview.items.length === 0 ? (
            <p className="muted">Nobody to send it to{channel === 'email' ? ': no contact here has an email address' : ''}.</p>
          ) : (
            <ol>
              {preview.items.map((m) => (
                <li key={m.contactId} data-testid="composer-preview-item">
                  {many && <span className="composer-to">To {m.to}</span>}
                  {m.subject !== null && <strong className="composer-subject">{m.subject}</strong>}
                  <p className="composer-body">{m.body}</p>
                </li>
              ))}
            </ol>
          )}
          {preview.missingCount > 0 && (
            <p className="composer-missing" data-testid="composer-missing">
              {many ? `${plural(preview.missingCount, 'contact')} of ${preview.recipients.toLocaleString()} ${preview.missingCount === 1 ? 'has' : 'have'}` : 'This contact has'} no
              value for {preview.missing.map((m) => m.placeholder).join(', ')}: it is left empty. Add a fallback, as in{' '}
              <code>{'{{first_name | fallback: "there"}}'}</code>.
            </p>
          )}
        </section>
      )}
      {errors.form && (
        <p className="field-error" role="alert">
          {errors.form}
        </p>
      )}
      {saveName !== null && (
        <div className="composer-save">
          <div className="field">
            <label htmlFor={`${uid}-save`}>
              <span>Template name</span>
            </label>
            <input
              id={`${uid}-save`}
              value={saveName}
              maxLength={100}
              autoFocus
              onChange={(e) => setSaveName(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void saveTemplate();
                }
              }}
            />
          </div>
          <button type="button" className="secondary" onClick={() => void saveTemplate()} disabled={!saveName.trim() || !body.trim()}>
            Save template
          </button>
        </div>
      )}
      <div className="composer-actions">
        {saveName === null && (
          <button
            type="button"
            className="secondary"
            disabled={!body.trim()}
            onClick={() => setSaveName(templates.find((x) => x.id === templateId)?.name ?? '')}
          >
            Save as template…
          </button>
        )}
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" disabled={busy} data-testid="composer-send">
          {sendLabel}
        </button>
      </div>
    </form>
  );
}
