// Saved message templates: a name, the channel they are meant for, a subject (emails) and a body
// with placeholders, rendered per contact when sent (the message keeps the rendered text).
import type { Migration } from '../migrate';

export const migration0009: Migration = {
  version: 9,
  name: 'message-templates',
  up: `
    CREATE TABLE message_templates (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      channel TEXT NOT NULL CHECK (channel IN ('inapp', 'email')),
      subject TEXT,
      body TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      actor TEXT NOT NULL
    );
    CREATE UNIQUE INDEX message_templates_by_name ON message_templates (name COLLATE NOCASE);
  `,
};
