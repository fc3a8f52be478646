// Saved message templates, and what each contact brings to one (name, email, first company,
// custom attributes) read in one pass for rendering.
import type { Database } from 'better-sqlite3';
import type { MessageChannel } from '../../../shared/domain';
import { Statements } from './Statements';

export interface TemplateRow {
  id: string;
  name: string;
  channel: MessageChannel;
  subject: string | null;
  body: string;
  created_at: number;
  updated_at: number;
  actor: string;
}

/** A contact's values for a template; company_name is its first company by name. */
export interface TemplateValuesRow {
  id: string;
  name: string | null;
  email: string | null;
  custom_attributes: string;
  company_name: string | null;
}

export class TemplateRepository {
  private readonly st: Statements;
  constructor(db: Database) {
    this.st = new Statements(db);
  }

  list(): TemplateRow[] {
    return this.st.get<TemplateRow>('SELECT * FROM message_templates ORDER BY name COLLATE NOCASE, id').all();
  }

  byId(id: string): TemplateRow | undefined {
    return this.st.get<TemplateRow>('SELECT * FROM message_templates WHERE id = ?').get(id);
  }

  byName(name: string): TemplateRow | undefined {
    return this.st.get<TemplateRow>('SELECT * FROM message_templates WHERE name = ? COLLATE NOCASE').get(name);
  }

  insert(r: TemplateRow): void {
    this.st
      .get('INSERT INTO message_templates (id, name, channel, subject, body, created_at, updated_at, actor) VALUES (@id, @name, @channel, @subject, @body, @created_at, @updated_at, @actor)')
      .run(r);
  }

  update(r: Pick<TemplateRow, 'id' | 'name' | 'channel' | 'subject' | 'body' | 'updated_at' | 'actor'>): void {
    this.st
      .get('UPDATE message_templates SET name = @name, channel = @channel, subject = @subject, body = @body, updated_at = @updated_at, actor = @actor WHERE id = @id')
      .run(r);
  }

  delete(id: string): boolean {
    return this.st.get('DELETE FROM message_templates WHERE id = ?').run(id).changes > 0;
  }

  /** The values of these contacts (by id), in no particular order; unknown ids are left out. */
  valuesOf(contactIds: readonly string[]): TemplateValuesRow[] {
    if (contactIds.length === 0) return [];
    return this.st
      .get<TemplateValuesRow>(
        `SELECT c.id, c.name, c.email, c.custom_attributes,
                (SELECT co.name FROM contact_companies l JOIN companies co ON co.pk = l.company_pk
                  WHERE l.contact_pk = c.pk AND co.name IS NOT NULL ORDER BY co.name COLLATE NOCASE LIMIT 1) AS company_name
           FROM json_each(@ids) j JOIN contacts c ON c.id = j.value`,
      )
      .all({ ids: JSON.stringify(contactIds) });
  }
}
