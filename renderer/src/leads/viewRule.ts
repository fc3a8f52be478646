// The whole question the Leads table asks (search, filters, segment, drill-down) as one segment
// rule: what a bulk action on "everyone shown" acts on. Pure (types only), so tests can run it
// against a real core.
import type { CompanyRef, ContactStage, Role, SyncState } from '../../../shared/domain';
import type { SegmentCondition, SegmentGroup } from '../../../shared/segments';

/** The parts of the table's query that choose contacts (LeadQuery fits it). */
export interface ViewQuery {
  search: string;
  filter: {
    stage: ContactStage[];
    role: Role[];
    company: Pick<CompanyRef, 'id'> | null;
    tag?: string | null;
    syncState: SyncState[];
    /** Absent in queries built before owners (tests): no owner filter. */
    owner?: string[];
    segment: { id: string } | null;
    rule: { rule: SegmentGroup } | null;
  };
}

/** Null when a segment's rule is not known (`segmentRule` answers undefined). */
export function viewRule(q: ViewQuery, segmentRule: (id: string) => SegmentGroup | undefined): SegmentGroup | null {
  const rules: (SegmentCondition | SegmentGroup)[] = [];
  const f = q.filter;
  if (q.search.trim() !== '') rules.push({ field: 'text', value: q.search.trim() });
  if (f.stage.length) rules.push({ field: 'contactStage', in: f.stage });
  if (f.role.length) rules.push({ field: 'role', in: f.role });
  if (f.company) rules.push({ field: 'company', op: 'is', companyId: f.company.id });
  if (f.tag) rules.push({ field: 'tag', op: 'has', name: f.tag });
  if (f.syncState.length) rules.push({ field: 'syncState', in: f.syncState });
  if (f.owner?.length) rules.push({ field: 'owner', in: f.owner });
  if (f.segment) {
    const rule = segmentRule(f.segment.id);
    if (!rule) return null;
    rules.push(rule);
  }
  if (f.rule) rules.push(f.rule.rule);
  return { op: 'and', rules };
}
