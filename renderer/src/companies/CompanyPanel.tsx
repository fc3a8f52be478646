// The company page in the side panel: fields edit in place (the same editor as the lead page),
// SQL -> Customer with a confirmation to go back, its users (open, unlink) and the stage history.
import { useCallback, useState } from 'react';
import { ActivityTimeline } from '../activity/ActivityTimeline';
import type { MethodInput, MethodOutput } from '../../../shared/api';
import { COMPANY_STAGE_RANK, Name, type CompanyStage } from '../../../shared/domain';
import { undoChange, useRecordChanges } from '../state/changeUndo';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { toast } from '../state/toastStore';
import { useChanged } from '../state/useChanged';
import { contactLabel } from '../contact/ContactPanel';
import { ConflictBanner } from '../contact/ConflictBanner';
import { CloseButton, LoadError, RecordStates } from '../contact/RecordStates';
import { CustomAttributesEditor } from '../contact/CustomAttributesEditor';
import { EditableField } from '../contact/EditableField';
import { existingIdOf } from '../contact/fieldErrors';
import { formatSpend, parsePlan, parseRef, parseSpend, required } from '../contact/parsers';
import { RecordChanges } from '../contact/RecordChanges';
import { StageHistory } from '../contact/StageHistory';
import { SyncBadge } from '../contact/SyncBadge';
import { useRecord } from '../contact/useRecord';
import { useUnlink } from '../contact/useUnlink';
import { UserLinker } from './UserLinker';
import { TagsSection } from '../contact/TagsSection';
import { confirmAction } from '../ui/Dialog';
import { StageSteps } from '../ui/StageSteps';
import { COMPANY_STAGE_LABEL, CONTACT_STAGE_LABEL, ROLE_LABEL, plural } from '../ui/labels';
import { When } from '../ui/When';
import '../contact/record.css';

type Detail = MethodOutput<'companies.get'>;
type Patch = MethodInput<'companies.update'>['patch'];

const parseCompanyName = required(Name, 'Name');

export function CompanyPanel({ id }: { id: string }) {
  const client = useClient();
  const load = useCallback(() => client.call('companies.get', { id }), [client, id]);
  const rec = useRecord<Detail>(load);
  // users' names and stages show here too, so their changes refresh the page as well
  const userIds = rec.data?.users.map((u) => u.id) ?? [];
  useChanged(['company', 'contact'], () => void rec.reload(), { ids: [id, ...userIds] });

  if (rec.gone || !rec.data) return <RecordStates kind="company" rec={rec} goneText="This company no longer exists." />;
  return <CompanyBody data={rec.data} reload={rec.reload} patch={rec.patch} loadError={rec.error} />;
}

function CompanyBody({
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
  const { unlinking, unlink } = useUnlink('company', reload);
  const id = data.id;
  const journal = useRecordChanges('company', id);
  const undo = (changeId: string) => void undoChange(client, changeId).then(() => {
    journal.reload();
    void reload();
  });

  const save = async (p: Patch) => {
    const c = await client.call('companies.update', { id, patch: p });
    patch((d) => ({ ...d, ...c }));
  };

  const setStage = async (stage: CompanyStage) => {
    const demote = data.stage !== null && COMPANY_STAGE_RANK[stage] < COMPANY_STAGE_RANK[data.stage];
    if (demote) {
      const ok = await confirmDemote(data.name, data.stage, stage);
      if (!ok) return;
    }
    setStageBusy(true);
    try {
      const c = await client.call('companies.setStage', { id, stage, ...(demote ? { confirm: true } : {}) });
      patch((d) => ({ ...d, ...c }));
      toast.ok(`${c.name} is now ${c.stage ? COMPANY_STAGE_LABEL[c.stage] : 'without a stage'}`);
      void reload();
    } catch (e) {
      toast.error(e);
    } finally {
      setStageBusy(false);
    }
  };


  const conflictExtra = (e: unknown) => {
    const existing = existingIdOf(e);
    if (!existing || existing === id) return null;
    return (
      <button type="button" className="link" onClick={() => openCompany(existing)}>
        Open existing company
      </button>
    );
  };

  return (
    <div className="rec" data-testid="company-page">
      <div className="rec-head">
        <div className="rec-title">
          <h2 data-testid="company-title">{data.name}</h2>
          <div className="rec-badges">
            <span className="badge" title="Users">
              {plural(data.userCount, 'user')}
            </span>
            <SyncBadge state={data.syncState} testId="company-sync" />
          </div>
        </div>
        <CloseButton onClose={closePanel} />
      </div>
      {loadError !== null && <LoadError error={loadError} onRetry={() => void reload()} />}
      <ConflictBanner entityId={id} />

      <section className="rec-section" aria-labelledby="company-stage-h">
        <h3 id="company-stage-h">Stage</h3>
        <StageSteps kind="company" stage={data.stage} />
        <div className="rec-actions">
          {data.stage === null && (
            <button type="button" onClick={() => void setStage('sql')} disabled={stageBusy}>
              Mark as SQL
            </button>
          )}
          {data.stage !== 'customer' && (
            <button type="button" onClick={() => void setStage('customer')} disabled={stageBusy}>
              Mark as customer (paid)
            </button>
          )}
          {data.stage === 'customer' && (
            <button type="button" className="secondary" onClick={() => void setStage('sql')} disabled={stageBusy}>
              Demote to SQL
            </button>
          )}
        </div>
      </section>

      <section className="rec-section" aria-labelledby="company-fields-h">
        <h3 id="company-fields-h">Details</h3>
        <EditableField label="Name" value={data.name} parse={parseCompanyName} onSave={(v) => save({ name: v })} testId="field-name" />
        <EditableField
          label="Company id"
          value={data.externalId ?? ''}
          parse={parseRef('Company id')}
          onSave={(v) => save({ externalId: v })}
          emptyText="Add the customer's company id"
          errorExtra={conflictExtra}
          testId="field-externalId"
        />
        <EditableField label="Plan" value={data.plan ?? ''} parse={parsePlan} onSave={(v) => save({ plan: v })} emptyText="Add a plan" testId="field-plan" />
        <EditableField
          label="Monthly spend"
          value={data.monthlySpend === null ? '' : String(data.monthlySpend)}
          display={formatSpend(data.monthlySpend)}
          parse={parseSpend}
          onSave={(v) => save({ monthlySpend: v })}
          emptyText="Add monthly spend"
          inputMode="decimal"
          testId="field-monthlySpend"
        />
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
        </dl>
      </section>

      <section className="rec-section" aria-labelledby="company-users-h">
        <h3 id="company-users-h">Users</h3>
        {data.users.length === 0 ? (
          <p className="muted rec-none">No users linked yet.</p>
        ) : (
          <ul className="rec-links" data-testid="company-users">
            {data.users.map((u) => (
              <li key={u.id} data-testid="company-user">
                <button type="button" className="link rec-link-name" onClick={() => openContact(u.id)}>
                  {contactLabel(u)}
                </button>
                <span className="badge">{ROLE_LABEL[u.role]}</span>
                <span className={`badge stage-chip stage-chip-${u.stage}`}>{CONTACT_STAGE_LABEL[u.stage]}</span>
                <button
                  type="button"
                  className="link rec-remove"
                  aria-label={`Unlink ${contactLabel(u)}`}
                  onClick={() => void unlink({ contactId: u.id, companyId: id }, { user: contactLabel(u), company: data.name })}
                  disabled={unlinking === u.id}
                >
                  Unlink
                </button>
              </li>
            ))}
          </ul>
        )}
        <UserLinker companyId={id} linkedIds={data.users.map((u) => u.id)} onLinked={() => void reload()} />
      </section>

      <TagsSection target={{ type: 'company', id, label: data.name }} />

      <ActivityTimeline target={{ kind: 'company', id, userIds: data.users.map((u) => u.id) }} />

      <section className="rec-section" aria-labelledby="company-attrs-h">
        <h3 id="company-attrs-h">Custom attributes</h3>
        <CustomAttributesEditor attributes={data.customAttributes} onPatch={(p) => save({ customAttributes: p })} testId="company-attributes" />
      </section>

      <section className="rec-section" aria-labelledby="company-history-h">
        <h3 id="company-history-h">Stage history</h3>
        <StageHistory history={data.history} testId="company-history" changes={journal.changes} onUndo={undo} />
      </section>

      <section className="rec-section" aria-labelledby="company-changes-h">
        <h3 id="company-changes-h">Changes made here</h3>
        <RecordChanges changes={journal.changes} onUndo={undo} testId="company-changes" />
      </section>
    </div>
  );
}

function confirmDemote(name: string, from: CompanyStage | null, to: CompanyStage): Promise<boolean> {
  return confirmAction({
    title: `Move ${name} back to ${COMPANY_STAGE_LABEL[to]}?`,
    body: `${name} goes back from ${from ? COMPANY_STAGE_LABEL[from] : 'no stage'} to ${COMPANY_STAGE_LABEL[to]}. The change is recorded in the stage history and sent to Intercom.`,
    confirmLabel: `Demote to ${COMPANY_STAGE_LABEL[to]}`,
    danger: true,
  });
}
