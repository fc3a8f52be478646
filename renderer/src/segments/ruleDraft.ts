// The segment editor's working copy of a rule. Inputs stay as typed (a half-typed number is a
// string), so the draft holds every input a condition type may need; `checkRuleDraft` turns it
// into a rule, checking each condition against the contract's own schema so a message lands on
// the row (and names the input) it is about.
import { FUNNEL_STAGES, SegmentCondition, SegmentRule, type FunnelStage, type SegmentGroup } from '../../../shared/segments';
import { STAGE_LABEL } from '../../../shared/stages';

export type ConditionField = SegmentCondition['field'];

export const CONDITION_FIELD_LABEL: Record<ConditionField, string> = {
  stage: 'Funnel stage is',
  reached: 'Has reached',
  stuck: 'Stuck in stage',
  contactStage: 'Contact stage is',
  role: 'Role is',
  syncState: 'Sync state is',
  owner: 'Owner is',
  company: 'Company',
  companyStage: 'Company stage is',
  tag: 'Tag',
  attribute: 'Attribute',
  text: 'Text matches',
  lastActivity: 'Last activity',
  created: 'Captured',
  event: 'Event',
  firstTouch: 'First touch',
};
export const CONDITION_FIELDS = Object.keys(CONDITION_FIELD_LABEL) as ConditionField[];

export const FUNNEL_STAGE_LABEL: Record<FunnelStage, string> = STAGE_LABEL;

/** The words an input is called on screen, for messages that name it. */
const INPUT_LABEL: Record<string, string> = {
  in: 'values',
  stage: 'stage',
  days: 'days',
  companyId: 'company',
  name: 'name',
  value: 'value',
  from: 'from',
  to: 'to',
  op: 'operator',
  key: 'touch',
};

export interface DraftCondition {
  kind: 'condition';
  key: number;
  field: ConditionField;
  /** The picked values of an "is one of" condition. */
  values: string[];
  stage: FunnelStage;
  reached: boolean;
  op: string;
  days: string;
  companyId: string;
  companyName: string;
  /** Attribute or event name. */
  name: string;
  value: string;
  valueKind: 'text' | 'number' | 'boolean';
  touch: 'referrer' | 'landingPage';
  /** yyyy-mm-dd, as a date input gives it. */
  from: string;
  to: string;
}

export interface DraftGroup {
  kind: 'group';
  key: number;
  op: 'and' | 'or';
  rules: DraftNode[];
}

export type DraftNode = DraftCondition | DraftGroup;

let nextKey = 1;
export const newKey = () => nextKey++;

/** The operator a fresh condition of each type starts with. */
const FIRST_OP: Partial<Record<ConditionField, string>> = {
  company: 'is',
  tag: 'has',
  attribute: 'eq',
  lastActivity: 'olderThan',
  created: 'newerThan',
  event: 'did',
  firstTouch: 'eq',
};

export function newCondition(field: ConditionField = 'stage'): DraftCondition {
  return {
    kind: 'condition',
    key: newKey(),
    field,
    values: [],
    stage: 'lead',
    reached: true,
    op: FIRST_OP[field] ?? '',
    days: field === 'stuck' || field === 'lastActivity' || field === 'event' || field === 'created' ? '30' : '',
    companyId: '',
    companyName: '',
    name: '',
    value: '',
    valueKind: 'text',
    touch: 'referrer',
    from: '',
    to: '',
  };
}

export const newGroup = (op: 'and' | 'or' = 'and', rules: DraftNode[] = []): DraftGroup => ({ kind: 'group', key: newKey(), op, rules });

const isGroup = (r: SegmentCondition | SegmentGroup): r is SegmentGroup => 'rules' in r;

const dayOf = (iso: string | undefined) => (iso ? iso.slice(0, 10) : '');

/** A saved rule as a draft (to edit it). */
export function draftOf(rule: SegmentGroup): DraftGroup {
  return newGroup(
    rule.op,
    rule.rules.map((r): DraftNode => {
      if (isGroup(r)) return draftOf(r);
      const d = newCondition(r.field);
      switch (r.field) {
        case 'stage':
        case 'contactStage':
        case 'role':
        case 'syncState':
        case 'owner':
        case 'companyStage':
          return { ...d, values: [...r.in] };
        case 'reached':
          return { ...d, stage: r.stage, reached: r.reached };
        case 'stuck':
          return { ...d, stage: r.stage, days: String(r.days) };
        case 'company':
          return { ...d, op: r.op, companyId: r.companyId ?? '' };
        case 'tag':
          return { ...d, op: r.op, name: r.name ?? '' };
        case 'attribute':
          return {
            ...d,
            name: r.name,
            op: r.op,
            value: r.value === undefined ? '' : String(r.value),
            valueKind: typeof r.value === 'number' ? 'number' : typeof r.value === 'boolean' ? 'boolean' : 'text',
          };
        case 'text':
          return { ...d, value: r.value };
        case 'lastActivity':
          return { ...d, op: r.op, days: r.days === undefined ? '' : String(r.days) };
        case 'created':
          return { ...d, op: r.op, days: r.days === undefined ? '' : String(r.days), from: dayOf(r.from), to: dayOf(r.to) };
        case 'event':
          return { ...d, op: r.op, name: r.name, days: String(r.days) };
        case 'firstTouch':
          return { ...d, touch: r.key, op: r.op, value: r.value ?? '' };
      }
    }),
  );
}

/** A typed number: empty stays missing (the schema says it is needed), anything else is tried. */
const num = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));
/** Start of a local day as an ISO time; the end date counts whole, so `to` is the next midnight. */
const dayStart = (ymd: string, plusDays = 0): string | undefined => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(ymd)) return undefined;
  const d = new Date(`${ymd}T00:00:00`);
  d.setDate(d.getDate() + plusDays);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
};

function attributeValue(d: DraftCondition): string | number | boolean | undefined {
  if (d.op === 'exists' || d.op === 'notExists') return undefined;
  if (d.valueKind === 'number') return num(d.value);
  if (d.valueKind === 'boolean') return d.value === 'true';
  return d.value === '' ? undefined : d.value;
}

/** The condition the draft stands for, unchecked. */
function candidate(d: DraftCondition): unknown {
  const field = d.field;
  switch (field) {
    case 'stage':
    case 'contactStage':
    case 'role':
    case 'syncState':
    case 'owner':
    case 'companyStage':
      return { field, in: d.values };
    case 'reached':
      return { field, stage: d.stage, reached: d.reached };
    case 'stuck':
      return { field, stage: d.stage, days: num(d.days) };
    case 'company':
      return { field, op: d.op, ...(d.op === 'is' || d.op === 'isNot' ? { companyId: d.companyId || undefined } : {}) };
    case 'tag':
      return { field, op: d.op, ...(d.op === 'has' || d.op === 'hasNot' ? { name: d.name.trim() || undefined } : {}) };
    case 'attribute':
      return { field, name: d.name, op: d.op, value: attributeValue(d) };
    case 'text':
      return { field, value: d.value };
    case 'lastActivity':
      return { field, op: d.op, ...(d.op === 'never' ? {} : { days: num(d.days) }) };
    case 'created':
      if (d.op === 'between') return { field, op: d.op, from: dayStart(d.from), to: dayStart(d.to, 1) };
      if (d.op === 'olderThan' || d.op === 'newerThan') return { field, op: d.op, days: num(d.days) };
      return { field, op: d.op };
    case 'event':
      return { field, op: d.op, name: d.name, days: num(d.days) };
    case 'firstTouch':
      return { field, key: d.touch, op: d.op, ...(d.op === 'none' ? {} : { value: d.value }) };
  }
}

export interface DraftCheck {
  /** The rule, when every condition is valid. */
  rule: SegmentGroup | null;
  /** Messages by draft node key. */
  errors: Map<number, string[]>;
  /** Messages about the whole rule (nesting, size). */
  ruleErrors: string[];
}

/** Checks the draft with the contract's schemas; messages name the condition and its input. */
export function checkRuleDraft(draft: DraftGroup): DraftCheck {
  const errors = new Map<number, string[]>();
  const walk = (g: DraftGroup, where: string): SegmentGroup => ({
    op: g.op,
    rules: g.rules.map((node, i) => {
      const label = `${where}${i + 1}`;
      if (node.kind === 'group') return walk(node, `${label}.`);
      const parsed = SegmentCondition.safeParse(candidate(node));
      if (parsed.success) return parsed.data;
      const messages = parsed.error.issues.map((issue) => {
        const input = typeof issue.path[0] === 'string' ? (INPUT_LABEL[issue.path[0]] ?? issue.path[0]) : null;
        return `Condition ${label} (${CONDITION_FIELD_LABEL[node.field]})${input ? `, ${input}` : ''}: ${issue.message}`;
      });
      errors.set(node.key, messages);
      return { field: 'text', value: 'invalid' } as SegmentCondition;
    }),
  });
  const built = walk(draft, '');
  if (errors.size > 0) return { rule: null, errors, ruleErrors: [] };
  const whole = SegmentRule.safeParse(built);
  if (!whole.success) return { rule: null, errors, ruleErrors: whole.error.issues.map((i) => `Rule: ${i.message}`) };
  return { rule: whole.data, errors, ruleErrors: [] };
}

/** The draft with the node under `key` replaced (or removed, with null). */
export function updateNode(g: DraftGroup, key: number, next: DraftNode | null): DraftGroup {
  const rules: DraftNode[] = [];
  for (const r of g.rules) {
    if (r.key === key) {
      if (next) rules.push(next);
    } else rules.push(r.kind === 'group' ? updateNode(r, key, next) : r);
  }
  return { ...g, rules };
}

export { FUNNEL_STAGES };
