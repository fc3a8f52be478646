// The workspace's tags and the contacts and companies that carry them (migration 0012).
import type { Database } from 'better-sqlite3';
import { Statements } from './Statements';

export interface TagRow {
  pk: number;
  id: string;
  name: string;
  intercom_id: string | null;
  created_at: number;
}

export type TagTarget = 'contact' | 'company';

export interface TagCountRow extends TagRow {
  contacts: number;
  companies: number;
}

const LINKS = {
  contact: { table: 'contact_tags', column: 'contact_pk' },
  company: { table: 'company_tags', column: 'company_pk' },
} as const;

export class TagRepository {
  private readonly st: Statements;
  constructor(db: Database) {
    this.st = new Statements(db);
  }

  // ---- the workspace's tags ------------------------------------------------------------------

  insert(t: { id: string; name: string; intercomId: string | null; at: number }): TagRow {
    this.st.get('INSERT INTO tags (id, name, intercom_id, created_at) VALUES (?, ?, ?, ?)').run(t.id, t.name, t.intercomId, t.at);
    return this.byId(t.id)!;
  }

  byId(id: string): TagRow | undefined {
    return this.st.get<TagRow>('SELECT * FROM tags WHERE id = ?').get(id);
  }

  byPk(pk: number): TagRow | undefined {
    return this.st.get<TagRow>('SELECT * FROM tags WHERE pk = ?').get(pk);
  }

  /** Names match whatever their case, as in Intercom. */
  byName(name: string): TagRow | undefined {
    return this.st.get<TagRow>('SELECT * FROM tags WHERE name = ? COLLATE NOCASE').get(name);
  }

  byIntercomId(intercomId: string): TagRow | undefined {
    return this.st.get<TagRow>('SELECT * FROM tags WHERE intercom_id = ?').get(intercomId);
  }

  all(): TagRow[] {
    return this.st.get<TagRow>('SELECT * FROM tags ORDER BY name COLLATE NOCASE').all();
  }

  /** Every tag with how many contacts and companies carry it. */
  allWithCounts(): TagCountRow[] {
    return this.st
      .get<TagCountRow>(
        `SELECT t.*, (SELECT count(*) FROM contact_tags ct WHERE ct.tag_pk = t.pk) AS contacts,
           (SELECT count(*) FROM company_tags yt WHERE yt.tag_pk = t.pk) AS companies
         FROM tags t ORDER BY t.name COLLATE NOCASE`,
      )
      .all();
  }

  setIntercomId(pk: number, intercomId: string): void {
    this.st.get('UPDATE tags SET intercom_id = ? WHERE pk = ?').run(intercomId, pk);
  }

  rename(pk: number, name: string): void {
    this.st.get('UPDATE tags SET name = ? WHERE pk = ?').run(name, pk);
  }

  /** A tag gone from Intercom; its links go with it (ON DELETE CASCADE). */
  delete(pk: number): void {
    this.st.get('DELETE FROM tags WHERE pk = ?').run(pk);
  }

  /** Whether an outbox entry not yet done names the tag (its push still needs it). */
  hasWaitingEntries(tagId: string): boolean {
    return (
      this.st
        .get(
          `SELECT 1 FROM outbox WHERE status IN ('pending', 'in_flight', 'failed')
           AND op IN ('contact.tag', 'contact.untag', 'company.tag', 'company.untag') AND json_extract(payload, '$.tagId') = ? LIMIT 1`,
        )
        .get(tagId) !== undefined
    );
  }

  // ---- who carries which tag ------------------------------------------------------------------

  /** False when the record had the tag already. */
  add(target: TagTarget, recordPk: number, tagPk: number, at: number): boolean {
    const l = LINKS[target];
    return this.st.get(`INSERT OR IGNORE INTO ${l.table} (tag_pk, ${l.column}, created_at) VALUES (?, ?, ?)`).run(tagPk, recordPk, at).changes > 0;
  }

  /** False when the record did not have the tag. */
  remove(target: TagTarget, recordPk: number, tagPk: number): boolean {
    const l = LINKS[target];
    return this.st.get(`DELETE FROM ${l.table} WHERE tag_pk = ? AND ${l.column} = ?`).run(tagPk, recordPk).changes > 0;
  }

  has(target: TagTarget, recordPk: number, tagPk: number): boolean {
    const l = LINKS[target];
    return this.st.get(`SELECT 1 FROM ${l.table} WHERE tag_pk = ? AND ${l.column} = ?`).get(tagPk, recordPk) !== undefined;
  }

  /** Of these contacts, those that carry the tag. */
  contactsWith(tagPk: number, contactPks: readonly number[]): Set<number> {
    if (contactPks.length === 0) return new Set();
    const pks = this.st
      .get(`SELECT contact_pk FROM contact_tags WHERE tag_pk = @tagPk AND contact_pk IN (SELECT value FROM json_each(@pks))`)
      .pluck()
      .all({ tagPk, pks: JSON.stringify(contactPks) }) as number[];
    return new Set(pks);
  }

  /** Whether the record got a tag entry about this tag after `afterSeq` (a later change a bulk undo must not overwrite). */
  hasLaterEntries(entityId: string, tagId: string, afterSeq: number): boolean {
    return (
      this.st
        .get(
          `SELECT 1 FROM outbox WHERE entity_id = @entityId AND seq > @afterSeq
             AND op IN ('contact.tag', 'contact.untag', 'company.tag', 'company.untag') AND json_extract(payload, '$.tagId') = @tagId LIMIT 1`,
        )
        .get({ entityId, tagId, afterSeq }) !== undefined
    );
  }

  /** A record's tags with when each was put on, sorted by name. */
  of(target: TagTarget, recordPk: number): (TagRow & { tagged_at: number })[] {
    const l = LINKS[target];
    return this.st
      .get<TagRow & { tagged_at: number }>(
        `SELECT t.*, x.created_at AS tagged_at FROM ${l.table} x JOIN tags t ON t.pk = x.tag_pk
         WHERE x.${l.column} = ? ORDER BY t.name COLLATE NOCASE`,
      )
      .all(recordPk);
  }

  /** Tag names of many records at once (a table page), each record's sorted by name. */
  namesOfMany(target: TagTarget, recordPks: readonly number[]): Map<number, string[]> {
    const out = new Map<number, string[]>();
    if (recordPks.length === 0) return out;
    const l = LINKS[target];
    const rows = this.st
      .get(
        `SELECT x.${l.column}, t.name FROM json_each(?) j CROSS JOIN ${l.table} x ON x.${l.column} = j.value JOIN tags t ON t.pk = x.tag_pk`,
      )
      .raw(true)
      .all(JSON.stringify(recordPks)) as [number, string][];
    for (const [pk, name] of rows) {
      const list = out.get(pk);
      if (list) list.push(name);
      else out.set(pk, [name]);
    }
    for (const list of out.values()) if (list.length > 1) list.sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }));
    return out;
  }
}
