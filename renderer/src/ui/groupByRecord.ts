// Items about records (outbox entries, conflicts) grouped per record, in the order each record
// first appears, so a screen can show one heading per record.
export interface RecordItem {
  entityType: 'contact' | 'company';
  entityId: string;
  label: string | null;
}

export interface RecordGroup<T extends RecordItem> {
  entityType: T['entityType'];
  entityId: string;
  label: string | null;
  items: T[];
}

export function groupByRecord<T extends RecordItem>(items: readonly T[]): RecordGroup<T>[] {
  const groups = new Map<string, RecordGroup<T>>();
  for (const item of items) {
    const key = `${item.entityType}:${item.entityId}`;
    let g = groups.get(key);
    if (!g) {
      g = { entityType: item.entityType, entityId: item.entityId, label: item.label, items: [] };
      groups.set(key, g);
    }
    g.items.push(item);
  }
  return [...groups.values()];
}
