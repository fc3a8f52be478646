// The lead page in the side panel: every field edits in place, the stage moves forward freely
// and back only after a confirmation, the sign-up flow, its companies (link, unlink, create) and
// who moved it when, its messages and notes, and a warning when fields conflict with Intercom.
// It follows the engine's pushed changes without losing an edit in progress.
import { useCallback, useState } from 'react';
import { ActivityTimeline } from '../activity/ActivityTimeline';
import type { MethodInput, MethodOutput } from '../../../shared/api';
import { CONTACT_STAGE_RANK, type ContactStage } from '../../../shared/domain';
import { undoChange, useRecordChanges } from '../state/changeUndo';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { toast } from '../state/toastStore';
import { useChanged } from '../state/useChanged';
import { confirmAction } from '../ui/Dialog';
import { StageSteps } from '../ui/StageSteps';
import { COMPANY_STAGE_LABEL, CONTACT_STAGE_LABEL, ROLE_LABEL } from '../ui/labels';
import { When } from '../ui/When';
import { CompanyLinker } from './CompanyLinker';
import { TagsSection } from './TagsSection';
import { ConflictBanner } from './ConflictBanner';
import { CustomAttributesEditor } from './CustomAttributesEditor';
import { EditableField } from './EditableField';
import { EmailConsent } from './EmailConsent';
import { existingIdOf } from './fieldErrors';
import { MessagesSection } from './MessagesSection';
import { NotesSection } from './NotesSection';
import { OwnerField } from './OwnerField';
import { useTeamFeed } from '../state/teamStore';
import { parseEmail, parseName, parsePhone, parseRef } from './parsers';
import { SignUpForm } from './SignUpForm';
import { MergeDialog } from '../merges/MergeDialog';
import { RecordChanges } from './RecordChanges';
import { ArchivedNote, RemoveSection } from './RemoveSection';
import { StageHistory } from './StageHistory';
import { SyncBadge } from './SyncBadge';
import { useRecord } from './useRecord';
import { CloseButton, LoadError, RecordStates } from './RecordStates';
import { useUnlink } from './useUnlink';
import './record.css';

type Detail = MethodOutput<'contacts.get'>;
type Patch = MethodInput<'contacts.update'>['patch'];

export const contactLabel = (c: { name: string | null; email: string | null }) => c.name ?? c.email ?? 'Unnamed contact';

export function ContactPanel({ id }: { id: string }) {
  const client = useClient();
  const load = useCallback(() => client.call('contacts.get', { id }), [client, id]);
  const rec = useRecord<Detail>(load);
  const companyIds = rec.data?.companies.map((c) => c.id) ?? [];
  useChanged(['contact', 'company'], () => void rec.reload(), { ids: [id, ...companyIds] });
  useTeamFeed();

  if (rec.gone || !rec.data) return <RecordStates kind="contact" rec={rec} goneText="This contact no longer exists. It may have been deleted, merged or removed in Intercom." />;
  return <ContactBody data={rec.data} reload={rec.reload} patch={rec.patch} loadError={rec.error} />;
}

function ContactBody({
  data,
  reload,
  patch,
  loadError,
}: {
  data: Detail;
  reload: () => Promise<void>;
  patch: (update: (d: Detail) => Detail) => void;
  loadError: unknown;
}) {
  const client = useClient();
  const closePanel = useNav((s) => s.closePanel);
  const openContact = useNav((s) => s.openContact);
  const openCompany = useNav((s) => s.openCompany);
  const [stageBusy, setStageBusy] = useState(false);
  const [signUpOpen, setSignUpOpen] = useState(false);
  const [mergeInto, setMergeInto] = useState<{ into: string | null } | null>(null);
  const { unlinking, unlink } = useUnlink('contact', reload);
  const id = data.id;
  const journal = useRecordChanges('contact', id);
  const undo = (changeId: string) => void undoChange(client, changeId).then(() => {
    journal.reload();
    void reload();
  });
  const label = contactLabel(data);

  const save = async (p: Patch) => {
    const c = await client.call('contacts.update', { id, patch: p });
    patch((d) => ({ ...d, ...c }));
  };

  const conflictExtra = (e: unknown) => {
    const existing = existingIdOf(e);
    if (!existing || existing === id) return null;
    return (
      <button type="button" className="link" onClick={() => openContact(existing)}>
        Open existing contact
      </button>
    );
  };

  const setStage = async (stage: ContactStage) => {
    const demote = CONTACT_STAGE_RANK[stage] < CONTACT_STAGE_RANK[data.stage];
    if (demote) {
      const ok = await confirmAction({
        title: 'Move back to Lead?',
        body: `${label} goes back from Signed up to Lead. The change is recorded in the stage history and sent to Intercom.`,
        confirmLabel: 'Demote to Lead',
        danger: true,
      });
      if (!ok) return;
    }
    setStageBusy(true);
    try {
      const c = await client.call('contacts.setStage', { id, stage, ...(demote ? { confirm: true } : {}) });
      patch((d) => ({ ...d, ...c }));
      toast.ok(`${label} is now ${CONTACT_STAGE_LABEL[c.stage]}`);
      void reload();
    } catch (e) {
      toast.error(e);
    } finally {
      setStageBusy(false);
    }
  };


  const canSignUp = data.role === 'lead' || data.stage === 'lead';

  return (
    <div className="rec" data-testid="contact-page">
      <div className="rec-head">
        <div className="rec-title">
          <h2 data-testid="contact-title">{label}</h2>
          <div className="rec-badges">
            <span className={`badge role-${data.role}`} data-testid="contact-role" title="Role">
              {ROLE_LABEL[data.role]}
            </span>
            <SyncBadge state={data.syncState} testId="contact-sync" />
          </div>
        </div>
        <CloseButton onClose={closePanel} />
      </div>
      {loadError !== null && <LoadError error={loadError} onRetry={() => void reload()} />}
      <ArchivedNote contact={data} label={label} onDone={() => void reload()} />
      <ConflictBanner entityId={id} />
      <div className="rec-actions">
        <button type="button" className="secondary" onClick={() => setMergeInto({ into: null })} data-testid="merge-into">
          Merge into…
        </button>
      </div>
      {mergeInto && <MergeDialog fromId={id} intoId={mergeInto.into} onClose={() => setMergeInto(null)} />}

      {data.sameEmail.length > 0 && (
        <div className="rec-note" role="note" data-testid="same-email">
          <span>
            {data.sameEmail.length === 1 ? 'Another contact has' : `${data.sameEmail.length} other contacts have`} this email:
          </span>
          <ul>
            {data.sameEmail.map((c) => (
              <li key={c.id}>
                <button type="button" className="link" onClick={() => openContact(c.id)}>
                  {contactLabel(c)}
                </button>
                <span className="muted"> {ROLE_LABEL[c.role]}</span>{' '}
                <button type="button" className="link" onClick={() => setMergeInto({ into: c.id })} data-testid="same-email-merge">
                  Merge into it…
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}

      <section className="rec-section" aria-labelledby="contact-stage-h">
        <h3 id="contact-stage-h">Stage</h3>
        <StageSteps kind="contact" stage={data.stage} />
        <div className="rec-actions">
          {/* reaching Signed up is the sign-up itself (role user too), never a bare stage move */}
          {canSignUp && !signUpOpen && (
            <button type="button" onClick={() => setSignUpOpen(true)}>
              Sign up…
            </button>
          )}
          {data.stage !== 'lead' && (
            <button type="button" className="secondary" onClick={() => void setStage('lead')} disabled={stageBusy}>
              Demote to Lead
            </button>
          )}
        </div>
        {canSignUp && signUpOpen && (
          <SignUpForm
            contact={data}
            onCancel={() => setSignUpOpen(false)}
            onDone={() => {
              setSignUpOpen(false);
              void reload();
            }}
          />
        )}
      </section>

      <section className="rec-section" aria-labelledby="contact-fields-h">
        <h3 id="contact-fields-h">Details</h3>
        <OwnerField ownerId={data.ownerId} onSave={(ownerId) => save({ ownerId })} />
        <EditableField label="Name" value={data.name ?? ''} parse={parseName} onSave={(v) => save({ name: v })} emptyText="Add a name" testId="field-name" />
        <EditableField
          label="Email"
          value={data.email ?? ''}
          parse={parseEmail}
          onSave={(v) => save({ email: v })}
          emptyText="Add an email"
          inputType="email"
          testId="field-email"
        />
        <EditableField
          label="Phone"
          value={data.phone ?? ''}
          parse={parsePhone}
          onSave={(v) => save({ phone: v })}
          emptyText="Add a phone number"
          inputType="tel"
          testId="field-phone"
        />
        <EditableField
          label="Visitor id"
          value={data.visitorId ?? ''}
          parse={parseRef('Visitor id')}
          onSave={(v) => save({ visitorId: v })}
          emptyText="Add a visitor id"
          errorExtra={conflictExtra}
          testId="field-visitorId"
        />
        <EditableField
          label="User id"
          value={data.externalId ?? ''}
          parse={parseRef('User id')}
          onSave={(v) => save({ externalId: v })}
          emptyText="Add a user id"
          errorExtra={conflictExtra}
          testId="field-externalId"
        />
        <EmailConsent unsubscribed={data.unsubscribedFromEmails} onSave={(v) => save({ unsubscribedFromEmails: v })} />
        <dl className="rec-meta">
          <div>
            <dt>Created</dt>
            <dd>
              <When at={data.createdAt} />
            </dd>
          </div>
          <div>
            <dt>Updated</dt>
            <dd>
              <When at={data.updatedAt} />
            </dd>
          </div>
          {data.lastActivityAt && (
            <div>
              <dt>Last activity</dt>
              <dd>
                <When at={data.lastActivityAt} />
              </dd>
            </div>
          )}
        </dl>
      </section>

      <section className="rec-section" aria-labelledby="contact-companies-h">
        <h3 id="contact-companies-h">Companies</h3>
        {data.companies.length === 0 ? (
          <p className="muted rec-none">Not linked to a company.</p>
        ) : (
          <ul className="rec-links" data-testid="contact-companies">
            {data.companies.map((c) => (
              <li key={c.id} data-testid="contact-company">
                <button type="button" className="link rec-link-name" onClick={() => openCompany(c.id)}>
                  {c.name}
                </button>
                {c.externalId && <span className="muted">{c.externalId}</span>}
                <span className={c.stage ? `badge stage-chip stage-chip-${c.stage}` : 'badge'} title="Company stage">
                  {c.stage ? COMPANY_STAGE_LABEL[c.stage] : 'No stage'}
                </span>
                <button
                  type="button"
                  className="link rec-remove"
                  aria-label={`Unlink ${c.name}`}
                  onClick={() => void unlink({ contactId: id, companyId: c.id }, { user: label, company: c.name })}
                  disabled={unlinking === c.id}
                >
                  Unlink
                </button>
              </li>
            ))}
          </ul>
        )}
        <CompanyLinker contactId={id} linkedIds={data.companies.map((c) => c.id)} onLinked={() => void reload()} />
      </section>

      <TagsSection target={{ type: 'contact', id, label }} />

      <MessagesSection contact={data} />

      <NotesSection contactId={id} />

      <ActivityTimeline target={{ kind: 'contact', id }} />

      <section className="rec-section" aria-labelledby="contact-attrs-h">
        <h3 id="contact-attrs-h">Custom attributes</h3>
        <CustomAttributesEditor attributes={data.customAttributes} onPatch={(p) => save({ customAttributes: p })} testId="contact-attributes" />
      </section>

      <section className="rec-section" aria-labelledby="contact-history-h">
        <h3 id="contact-history-h">Stage history</h3>
        <StageHistory history={data.history} testId="contact-history" changes={journal.changes} onUndo={undo} />
      </section>

      <section className="rec-section" aria-labelledby="contact-changes-h">
        <h3 id="contact-changes-h">Changes made here</h3>
        <RecordChanges changes={journal.changes} onUndo={undo} testId="contact-changes" />
      </section>

      <RemoveSection contact={data} label={label} onDone={() => void reload()} />
    </div>
  );
}
