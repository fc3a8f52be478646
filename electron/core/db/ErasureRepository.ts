// Erases a deleted contact from every table that holds something of it, then has SQLite write
// the freed space out of the log and the file. `secure_delete` is on (openDatabase): SQLite
// zeroes what a delete frees, in table pages and freed pages alike. The search index is the
// exception: a contentless FTS5 table cannot take a row's terms out (it does not know them; FTS5's
// own secure-delete needs them), it only records the row as deleted, and its terms, this and
// every earlier version, stay in the index's segments until they are merged. So the erase merges
// the whole index into one segment ('optimize', about a second at 100,000 contacts), which drops
// every deleted row's terms, and the pages it frees are zeroed.
import type { Database } from 'better-sqlite3';
import { Statements } from './Statements';

/** What a contact was known by, to blank it in the words of changes that named it among others. */
export interface ErasedContact {
  pk: number;
  id: string;
  /** Its names and emails, now and before (the journal may hold an earlier one). */
  words: readonly string[];
}

export interface CheckpointResult {
  /** Frames still in the log after the checkpoint (0: the log is empty and truncated). */
  walFrames: number;
  /** Whether a reader kept SQLite from copying every frame back (the next checkpoint finishes it). */
  busy: boolean;
}

export class ErasureRepository {
  private readonly st: Statements;
  constructor(private readonly db: Database) {
    this.st = new Statements(db);
  }

  /**
   * Every row about the contact but its outbox entries (OutboxRepository.eraseOf): its history,
   * conflicts, messages, import rows, bulk items, the journal's values; its changes go with it when it was their only record, else only its
   * rows go and its names are blanked in their words. Then the search entry and the row, whose
   * links, events (and any table that references it with ON DELETE CASCADE) go with it.
   */
  eraseContact(c: ErasedContact): void {
    const { st } = this;
    const id = { id: c.id };
    st.get(`DELETE FROM stage_history WHERE entity_type = 'contact' AND entity_id = @id`).run(id);
    st.get(`DELETE FROM conflicts WHERE entity_type = 'contact' AND entity_id = @id`).run(id);
    st.get(`DELETE FROM messages WHERE contact_id = @id`).run(id);
    st.get(`DELETE FROM import_rows WHERE entity_type = 'contact' AND entity_id = @id`).run(id);
    st.get(`DELETE FROM bulk_items WHERE entity_id = @id`).run(id);
    // a change about this contact alone goes whole; one about others too loses its rows about it
    st.get(
      `DELETE FROM changes WHERE n IN (SELECT change_n FROM change_records WHERE entity_type = 'contact' AND entity_id = @id)
         AND NOT EXISTS (SELECT 1 FROM change_records r WHERE r.change_n = changes.n AND NOT (r.entity_type = 'contact' AND r.entity_id = @id))`,
    ).run(id);
    // undo rows point at the change they took back by id: an orphaned undo goes too
    st.get(`DELETE FROM changes WHERE undo_of IS NOT NULL AND undo_of NOT IN (SELECT id FROM changes)`).run();
    st.get(`DELETE FROM change_fields WHERE entity_type = 'contact' AND entity_id = @id`).run(id);
    st.get(`DELETE FROM change_records WHERE entity_type = 'contact' AND entity_id = @id`).run(id);
    const blank = st.get(`UPDATE changes SET summary = replace(summary, @word, 'a deleted contact') WHERE instr(summary, @word) > 0`);
    const blankBulk = st.get(`UPDATE bulk_actions SET summary = replace(summary, @word, 'a deleted contact') WHERE instr(summary, @word) > 0`);
    for (const word of new Set(c.words.filter((w) => w.trim().length >= 3))) {
      blank.run({ word });
      blankBulk.run({ word });
    }
    st.get('DELETE FROM contact_search WHERE rowid = ?').run(c.pk);
    st.get('DELETE FROM contacts WHERE pk = ?').run(c.pk);
    st.get(`INSERT INTO contact_search (contact_search) VALUES ('optimize')`).run();
  }

  /** Its names and emails as the journal recorded them (values before and after of those fields). */
  journalWords(id: string): string[] {
    const rows = this.st
      .get<{ before: string | null; after: string | null }>(
        `SELECT before, after FROM change_fields WHERE entity_type = 'contact' AND entity_id = ? AND field IN ('name', 'email')`,
      )
      .all(id);
    const out: string[] = [];
    for (const r of rows) {
      for (const v of [r.before, r.after]) {
        const parsed = v === null ? null : (JSON.parse(v) as unknown);
        if (typeof parsed === 'string') out.push(parsed);
      }
    }
    return out;
  }

  /**
   * Copies the log into the file and truncates it, so the freed pages' old versions leave the
   * `-wal` file too. Outside any transaction.
   */
  checkpoint(): CheckpointResult {
    const row = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
    const r = row[0];
    return { walFrames: r && r.log > 0 ? r.log : 0, busy: r ? r.busy !== 0 : false };
  }
}
