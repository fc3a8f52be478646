// The segment editor: a name and a rule of AND / OR groups, one row per condition with the inputs
// its type needs. The member count follows every edit (`segments.count`), and every message names
// the condition and the input it is about. Built-in segments keep their name; their rule (e.g. the
// days of "Slipping away") can change.
import { useEffect, useId, useMemo, useState } from 'react';
import { ApiError } from '../../../shared/client';
import { COMPANY_STAGES, CONTACT_STAGES, ROLES, SYNC_STATES } from '../../../shared/values';
import { useClient } from '../state/ClientContext';
import { useWorkspaceTags } from '../state/tagsStore';
import { describeError, describeWithoutLabel, toast } from '../state/toastStore';
import { CompanyFilterSearch } from '../leads/CompanyFilterSearch';
import { useLeads } from '../leads/leadsStore';
import { confirmAction, Dialog } from '../ui/Dialog';
import { COMPANY_STAGE_LABEL, CONTACT_STAGE_LABEL, plural, ROLE_LABEL, SYNC_LABEL } from '../ui/labels';
import {
  checkRuleDraft,
  draftOf,
  CONDITION_FIELD_LABEL,
  CONDITION_FIELDS,
  FUNNEL_STAGE_LABEL,
  FUNNEL_STAGES,
  newCondition,
  newGroup,
  updateNode,
  type ConditionField,
  type DraftCondition,
  type DraftGroup,
  type DraftNode,
} from './ruleDraft';
import { reloadSegments, segmentById } from './segmentsStore';
import { useTeam, useTeamFeed } from '../state/teamStore';
import { STUCK_STAGES } from '../../../shared/segments';

/** How long the count waits for typing to pause. */
const COUNT_DELAY_MS = 250;
const MAX_DEPTH = 4;

/** The values an "is one of" condition offers, with their words. */
const CHOICES: Partial<Record<ConditionField, { value: string; label: string }[]>> = {
  stage: FUNNEL_STAGES.map((v) => ({ value: v, label: FUNNEL_STAGE_LABEL[v] })),
  contactStage: CONTACT_STAGES.map((v) => ({ value: v, label: CONTACT_STAGE_LABEL[v] })),
  role: ROLES.map((v) => ({ value: v, label: ROLE_LABEL[v] })),
  syncState: SYNC_STATES.map((v) => ({ value: v, label: SYNC_LABEL[v] })),
  companyStage: [...COMPANY_STAGES.map((v) => ({ value: v, label: COMPANY_STAGE_LABEL[v] })), { value: 'none', label: 'No stage' }],
};

const OPS: Partial<Record<ConditionField, { value: string; label: string }[]>> = {
  company: [
    { value: 'is', label: 'is linked to' },
    { value: 'isNot', label: 'is not linked to' },
    { value: 'any', label: 'has any company' },
    { value: 'none', label: 'has no company' },
  ],
  tag: [
    { value: 'has', label: 'has tag' },
    { value: 'hasNot', label: 'does not have tag' },
    { value: 'any', label: 'has any tag' },
    { value: 'none', label: 'has no tag' },
  ],
  attribute: [
    { value: 'eq', label: 'equals' },
    { value: 'neq', label: 'does not equal' },
    { value: 'contains', label: 'contains' },
    { value: 'gt', label: 'is greater than' },
    { value: 'lt', label: 'is less than' },
    { value: 'exists', label: 'is set' },
    { value: 'notExists', label: 'is not set' },
  ],
  lastActivity: [
    { value: 'olderThan', label: 'more than N days ago' },
    { value: 'newerThan', label: 'within the last N days' },
    { value: 'never', label: 'never' },
  ],
  created: [
    { value: 'newerThan', label: 'within the last N days' },
    { value: 'olderThan', label: 'more than N days ago' },
    { value: 'thisWeek', label: 'this week' },
    { value: 'thisMonth', label: 'this month' },
    { value: 'between', label: 'between dates' },
  ],
  event: [
    { value: 'did', label: 'did' },
    { value: 'didNot', label: 'did not do' },
  ],
  firstTouch: [
    { value: 'eq', label: 'is' },
    { value: 'contains', label: 'contains' },
    { value: 'none', label: 'is not known' },
  ],
};

export function SegmentEditor({ id, onClose }: { id: string | null; onClose: () => void }) {
  const client = useClient();
  const existing = id ? segmentById(id) : undefined;
  const builtin = existing?.builtin ?? null;
  const [name, setName] = useState(existing?.name ?? '');
  const [draft, setDraft] = useState<DraftGroup>(() => (existing ? draftOf(existing.rule) : newGroup('and', [newCondition('stage')])));
  const [count, setCount] = useState<{ n: number | null; error: string | null }>({ n: null, error: null });
  const [nameError, setNameError] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const check = useMemo(() => checkRuleDraft(draft), [draft]);
  useTeamFeed();
  const ruleKey = check.rule ? JSON.stringify(check.rule) : null;

  // The live count: asked once typing pauses; an answer for an older draft is dropped.
  useEffect(() => {
    if (!check.rule) return;
    let current = true;
    const rule = check.rule;
    const t = setTimeout(() => {
      client
        .call('segments.count', { rule })
        .then((r) => current && setCount({ n: r.count, error: null }))
        .catch((e: unknown) => current && setCount({ n: null, error: describeError(e) }));
    }, COUNT_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(t);
    };
    // ruleKey stands for check.rule's content
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, ruleKey]);

  const save = async () => {
    setSaveError(null);
    const trimmed = name.trim();
    if (!builtin && trimmed === '') return setNameError('Name: must not be empty');
    if (!check.rule) return setSaveError('Fix the conditions marked below first.');
    setSaving(true);
    try {
      const saved = await client.call('segments.save', { ...(id ? { id } : {}), name: builtin ? existing!.name : trimmed, rule: check.rule });
      toast.ok(`Segment “${saved.name}” saved: ${plural(saved.count ?? 0, 'contact')}.`);
      void reloadSegments(client);
      onClose();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'VALIDATION' && e.field === 'name') setNameError(`Name: ${describeWithoutLabel(e)}`);
      else setSaveError(describeError(e));
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    if (!existing) return;
    const ok = await confirmAction({
      title: 'Delete segment',
      body: `Delete the segment “${existing.name}”? Its contacts stay as they are.`,
      confirmLabel: 'Delete segment',
      danger: true,
    });
    if (!ok) return;
    try {
      await client.call('segments.delete', { id: existing.id });
      const f = useLeads.getState().filter;
      if (f.segment?.id === existing.id) useLeads.getState().removeFilter({ kind: 'segment', id: existing.id, name: existing.name });
      toast.ok(`Segment “${existing.name}” deleted.`);
      void reloadSegments(client);
      onClose();
    } catch (e) {
      setSaveError(describeError(e));
    }
  };

  return (
    <Dialog open onClose={onClose} title={existing ? `Edit segment: ${existing.name}` : 'New segment'} className="segment-editor" testId="segment-editor">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        noValidate
      >
        <label className="field">
          <span>Name</span>
          <input
            value={builtin ? existing!.name : name}
            disabled={Boolean(builtin)}
            maxLength={100}
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? 'segment-name-error' : undefined}
            onChange={(e) => {
              setName(e.target.value);
              setNameError(null);
            }}
            autoFocus={!builtin}
          />
          {builtin && <span className="muted segment-note">A built-in segment keeps its name; its conditions can change.</span>}
          {nameError && (
            <span className="field-error" id="segment-name-error" role="alert">
              {nameError}
            </span>
          )}
        </label>
        <GroupEditor group={draft} depth={1} errors={check.errors} onChange={setDraft} />
        {check.ruleErrors.map((m) => (
          <p key={m} className="field-error" role="alert">
            {m}
          </p>
        ))}
        <p className="segment-live-count" data-testid="segment-live-count" aria-live="polite">
          {!check.rule
            ? 'Fix the conditions to see how many match.'
            : count.error
              ? `Could not count: ${count.error}`
              : count.n === null
                ? 'Counting…'
                : `${plural(count.n, 'contact')} match`}
        </p>
        {saveError && (
          <p className="error" role="alert">
            {saveError}
          </p>
        )}
        <div className="dialog-actions">
          {existing && !builtin && (
            <button type="button" className="danger segment-delete" onClick={() => void remove()}>
              Delete…
            </button>
          )}
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={saving}>
            {saving ? 'Saving…' : 'Save segment'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function GroupEditor({
  group,
  depth,
  errors,
  onChange,
  onRemove,
}: {
  group: DraftGroup;
  depth: number;
  errors: Map<number, string[]>;
  onChange: (g: DraftGroup) => void;
  onRemove?: () => void;
}) {
  const replace = (key: number, next: DraftNode | null) => onChange(updateNode(group, key, next));
  const opLabel = group.op === 'and' ? 'AND' : 'OR';
  return (
    <fieldset className={`segment-group depth-${depth}`} data-testid="segment-group">
      <legend>
        <label>
          <span className="visually-hidden">{depth === 1 ? 'Match' : 'This group matches'} </span>
          <select aria-label={depth === 1 ? 'Combine conditions with' : 'Combine this group with'} value={group.op} onChange={(e) => onChange({ ...group, op: e.target.value as 'and' | 'or' })}>
            <option value="and">All of these (AND)</option>
            <option value="or">Any of these (OR)</option>
          </select>
        </label>
        {onRemove && (
          <button type="button" className="link" onClick={onRemove}>
            Remove group
          </button>
        )}
      </legend>
      {group.rules.length === 0 && <p className="muted">No conditions: every contact matches.</p>}
      <ol className="segment-rules">
        {group.rules.map((node, i) => (
          <li key={node.key}>
            {i > 0 && <span className="segment-joiner">{opLabel}</span>}
            {node.kind === 'group' ? (
              <GroupEditor group={node} depth={depth + 1} errors={errors} onChange={(g) => replace(node.key, g)} onRemove={() => replace(node.key, null)} />
            ) : (
              <ConditionRow cond={node} index={i + 1} errors={errors.get(node.key) ?? []} onChange={(c) => replace(node.key, c)} onRemove={() => replace(node.key, null)} />
            )}
          </li>
        ))}
      </ol>
      <div className="segment-group-actions">
        <button type="button" className="secondary" onClick={() => onChange({ ...group, rules: [...group.rules, newCondition('stage')] })}>
          Add condition
        </button>
        {depth < MAX_DEPTH && (
          <button type="button" className="secondary" onClick={() => onChange({ ...group, rules: [...group.rules, newGroup(group.op === 'and' ? 'or' : 'and', [newCondition('stage')])] })}>
            Add {group.op === 'and' ? 'OR' : 'AND'} group
          </button>
        )}
      </div>
    </fieldset>
  );
}

function ConditionRow({
  cond,
  index,
  errors,
  onChange,
  onRemove,
}: {
  cond: DraftCondition;
  index: number;
  errors: string[];
  onChange: (c: DraftCondition) => void;
  onRemove: () => void;
}) {
  const set = (patch: Partial<DraftCondition>) => onChange({ ...cond, ...patch });
  const errId = `cond-${cond.key}-error`;
  const invalid = errors.length > 0 ? true : undefined;
  const describedBy = errors.length > 0 ? errId : undefined;
  const admins = useTeam((s) => s.admins);
  // the team is the workspace's: its choices are read when the editor shows
  const ownerChoices = [{ value: 'me', label: 'Me' }, { value: 'none', label: 'Nobody' }, ...admins.map((a) => ({ value: a.id, label: a.name ?? a.email ?? a.id }))];
  const choices = cond.field === 'owner' ? ownerChoices : CHOICES[cond.field];
  const ops = OPS[cond.field];
  const daysInput = (label = 'Days') => (
    <label className="segment-inline">
      <input
        type="number"
        min={0}
        step={1}
        inputMode="numeric"
        className="segment-days"
        aria-label={label}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        value={cond.days}
        onChange={(e) => set({ days: e.target.value })}
      />
      <span>days</span>
    </label>
  );
  // stuck: only the stages one can move on from (nobody is stuck at Customer)
  const stageChoices = cond.field === 'stuck' ? STUCK_STAGES : FUNNEL_STAGES;
  const stageSelect = (
    <select aria-label="Stage" value={cond.stage} onChange={(e) => set({ stage: e.target.value as DraftCondition['stage'] })}>
      {stageChoices.map((s) => (
        <option key={s} value={s}>
          {FUNNEL_STAGE_LABEL[s]}
        </option>
      ))}
    </select>
  );
  const opSelect = ops && (
    <select aria-label="Operator" value={cond.op} onChange={(e) => set({ op: e.target.value })}>
      {ops.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );

  return (
    <div className="segment-condition" data-testid="segment-condition" role="group" aria-label={`Condition ${index}`}>
      <div className="segment-condition-inputs">
        <select aria-label="Condition type" value={cond.field} onChange={(e) => onChange({ ...newCondition(e.target.value as ConditionField), key: cond.key })}>
          {CONDITION_FIELDS.map((f) => (
            <option key={f} value={f}>
              {CONDITION_FIELD_LABEL[f]}
            </option>
          ))}
        </select>

        {choices && (
          <span className="segment-choices" role="group" aria-label="Values">
            {choices.map((c) => (
              <label key={c.value} className="segment-choice">
                <input
                  type="checkbox"
                  checked={cond.values.includes(c.value)}
                  aria-invalid={invalid}
                  onChange={(e) => set({ values: e.target.checked ? [...cond.values, c.value] : cond.values.filter((v) => v !== c.value) })}
                />
                {c.label}
              </label>
            ))}
          </span>
        )}

        {cond.field === 'reached' && (
          <>
            <select aria-label="Reached or not" value={cond.reached ? 'yes' : 'no'} onChange={(e) => set({ reached: e.target.value === 'yes' })}>
              <option value="yes">reached</option>
              <option value="no">not reached</option>
            </select>
            {stageSelect}
          </>
        )}

        {cond.field === 'stuck' && (
          <>
            {stageSelect}
            <span>for more than</span>
            {daysInput()}
          </>
        )}

        {cond.field === 'company' && (
          <>
            {opSelect}
            {(cond.op === 'is' || cond.op === 'isNot') && <CompanyPick cond={cond} invalid={invalid} onPick={(c) => set({ companyId: c.id, companyName: c.name })} />}
          </>
        )}

        {cond.field === 'tag' && (
          <>
            {opSelect}
            {(cond.op === 'has' || cond.op === 'hasNot') && <TagNameInput value={cond.name} invalid={invalid === true} describedBy={describedBy} onChange={(name) => set({ name })} />}
          </>
        )}

        {cond.field === 'attribute' && (
          <>
            <input aria-label="Attribute name" placeholder="attribute name" maxLength={190} value={cond.name} aria-invalid={invalid} aria-describedby={describedBy} onChange={(e) => set({ name: e.target.value })} />
            {opSelect}
            {cond.op !== 'exists' && cond.op !== 'notExists' && (
              <>
                <select aria-label="Value type" value={cond.valueKind} onChange={(e) => set({ valueKind: e.target.value as DraftCondition['valueKind'], value: e.target.value === 'boolean' ? 'true' : '' })}>
                  <option value="text">text</option>
                  <option value="number">number</option>
                  <option value="boolean">yes / no</option>
                </select>
                {cond.valueKind === 'boolean' ? (
                  <select aria-label="Value" value={cond.value} onChange={(e) => set({ value: e.target.value })}>
                    <option value="true">yes</option>
                    <option value="false">no</option>
                  </select>
                ) : (
                  <input
                    aria-label="Value"
                    type={cond.valueKind === 'number' ? 'number' : 'text'}
                    maxLength={1000}
                    value={cond.value}
                    aria-invalid={invalid}
                    aria-describedby={describedBy}
                    onChange={(e) => set({ value: e.target.value })}
                  />
                )}
              </>
            )}
          </>
        )}

        {cond.field === 'text' && (
          <input aria-label="Words" placeholder="name, email or company" maxLength={200} value={cond.value} aria-invalid={invalid} aria-describedby={describedBy} onChange={(e) => set({ value: e.target.value })} />
        )}

        {cond.field === 'lastActivity' && (
          <>
            {opSelect}
            {cond.op !== 'never' && daysInput()}
          </>
        )}

        {cond.field === 'created' && (
          <>
            {opSelect}
            {(cond.op === 'olderThan' || cond.op === 'newerThan') && daysInput()}
            {cond.op === 'between' && (
              <>
                <input type="date" aria-label="From" value={cond.from} aria-invalid={invalid} onChange={(e) => set({ from: e.target.value })} />
                <span>and</span>
                <input type="date" aria-label="To" value={cond.to} aria-invalid={invalid} onChange={(e) => set({ to: e.target.value })} />
              </>
            )}
          </>
        )}

        {cond.field === 'event' && (
          <>
            {opSelect}
            <input aria-label="Event name" placeholder="event name" maxLength={255} value={cond.name} aria-invalid={invalid} aria-describedby={describedBy} onChange={(e) => set({ name: e.target.value })} />
            <span>in the last</span>
            {daysInput()}
          </>
        )}

        {cond.field === 'firstTouch' && (
          <>
            <select aria-label="Touch" value={cond.touch} onChange={(e) => set({ touch: e.target.value as DraftCondition['touch'] })}>
              <option value="referrer">referrer</option>
              <option value="landingPage">landing page</option>
            </select>
            {opSelect}
            {cond.op !== 'none' && (
              <input aria-label="Value" maxLength={2000} value={cond.value} aria-invalid={invalid} aria-describedby={describedBy} onChange={(e) => set({ value: e.target.value })} />
            )}
          </>
        )}

        <button type="button" className="link segment-remove" aria-label={`Remove condition ${index}`} onClick={onRemove}>
          ×
        </button>
      </div>
      {errors.length > 0 && (
        <div id={errId} className="field-error" role="alert" data-testid="condition-error">
          {errors.map((m) => (
            <div key={m}>{m}</div>
          ))}
        </div>
      )}
    </div>
  );
}

/** A tag's name, with the workspace's tags offered as it is typed (a segment may name a tag nobody carries yet). */
function TagNameInput({ value, invalid, describedBy, onChange }: { value: string; invalid: boolean; describedBy: string | undefined; onChange: (name: string) => void }) {
  const tags = useWorkspaceTags();
  const listId = useId();
  return (
    <>
      <input aria-label="Tag" placeholder="tag" list={listId} maxLength={190} value={value} aria-invalid={invalid} aria-describedby={describedBy} onChange={(e) => onChange(e.target.value)} />
      <datalist id={listId}>
        {tags.map((t) => (
          <option key={t.id} value={t.name} />
        ))}
      </datalist>
    </>
  );
}

/** The company of an "is linked to" condition: its name once picked, a search until then. */
function CompanyPick({ cond, invalid, onPick }: { cond: DraftCondition; invalid: true | undefined; onPick: (c: { id: string; name: string }) => void }) {
  const client = useClient();
  const [changing, setChanging] = useState(false);
  const [name, setName] = useState(cond.companyName);
  // A saved rule holds only the id: its name is asked once.
  useEffect(() => {
    if (!cond.companyId || cond.companyName) return;
    let current = true;
    client
      .call('companies.get', { id: cond.companyId })
      .then((c) => current && setName(c.name))
      .catch(() => current && setName('(a deleted company)'));
    return () => {
      current = false;
    };
  }, [client, cond.companyId, cond.companyName]);
  if (cond.companyId && !changing) {
    return (
      <span className="segment-company">
        <strong>{cond.companyName || name || '…'}</strong>
        <button type="button" className="link" onClick={() => setChanging(true)}>
          change
        </button>
      </span>
    );
  }
  return (
    // Enter in the company search picks nothing and must not save the segment
    <span className="segment-company-search" aria-invalid={invalid} onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}>
      <CompanyFilterSearch
        onPick={(c) => {
          setChanging(false);
          onPick(c);
        }}
      />
    </span>
  );
}
