// Notes on contacts: a person writes one on the record page; it is kept here with a contact.note
// outbox entry (so it waits while offline) and journalled like every change. Their own note can
// be edited or deleted while Intercom has not got it: Intercom's API creates, lists and reads
// notes but has no way to change or remove one, so after that it stays as sent.
import type { MethodOutput, ParsedInput } from '../../../shared/api';
import { AppError } from '../../../shared/errors';
import type { Note } from '../../../shared/notes';
import type { ChangeRow } from '../db/ChangeRepository';
import { noteEditBlocked, toNote, type NoteWithEntry } from '../db/NoteRepository';
import type { ContactRow } from '../db/rows';
import type { ChangeService } from '../changes/ChangeService';
import { FIELD } from '../changes/changeWords';
import { ContactWriter } from '../records/ContactWriter';
import type { ServiceContext } from '../ServiceContext';

const who = (c: Pick<ContactRow, 'name' | 'email'>) => c.name ?? c.email ?? 'a contact';

export class NoteService {
  private readonly writer: ContactWriter;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly changes: ChangeService,
  ) {
    this.writer = new ContactWriter(ctx.store);
  }

  private contact(id: string): ContactRow {
    const row = this.ctx.store.contacts.byId(id);
    if (!row) throw new AppError('NOT_FOUND', `Contact: there is no contact with id ${id}.`, { field: 'contactId' });
    return row;
  }

  /** The note, refused with the reason when it can no longer be changed here. */
  private changeable(id: string): { note: NoteWithEntry; contact: ContactRow } {
    const note = this.ctx.store.notes.byId(id);
    if (!note) throw new AppError('NOT_FOUND', `Note: there is no note with id ${id}.`, { field: 'id' });
    const blocked = noteEditBlocked(note);
    if (blocked) throw new AppError('CONFLICT', `Note: ${blocked}`, { field: 'id' });
    return { note, contact: this.ctx.store.contacts.byPk(note.contact_pk)! };
  }

  add({ contactId, note: body }: ParsedInput<'notes.add'>): Note {
    const { store, actor } = this.ctx;
    let journalled: ChangeRow | null = null;
    const note = store.transaction(() => {
      const contact = this.contact(contactId);
      const started = this.changes.begin();
      const id = this.ctx.newId();
      this.writer.addNote(contact, { id, body, author: actor }, { at: this.ctx.now() });
      journalled = this.changes.record(started, {
        kind: 'contact.note',
        summary: `Note added to ${who(contact)}`,
        records: [{ type: 'contact', id: contact.id, label: who(contact) }],
        fields: [{ type: 'contact', id: contact.id, field: FIELD.note(id), before: null, after: body }],
      });
      return toNote(store.notes.byId(id)!);
    });
    this.announce(contactId, 'note.add', journalled);
    return note;
  }

  edit({ id, note: body }: ParsedInput<'notes.edit'>): Note {
    const { store } = this.ctx;
    let journalled: ChangeRow | null = null;
    let contactId = '';
    const note = store.transaction(() => {
      const { note: before, contact } = this.changeable(id);
      contactId = contact.id;
      if (before.body === body) return toNote(before);
      const started = this.changes.begin();
      // a note whose entry was discarded from the outbox goes to Intercom after all once edited
      this.writer.editNote(id, body, { at: this.ctx.now(), ...(before.entry_status === null ? { requeue: contact } : {}) });
      journalled = this.changes.record(started, {
        kind: 'contact.noteEdit',
        summary: `Note on ${who(contact)} edited`,
        records: [{ type: 'contact', id: contact.id, label: who(contact) }],
        fields: [{ type: 'contact', id: contact.id, field: FIELD.note(id), before: before.body, after: body }],
      });
      return toNote(store.notes.byId(id)!);
    });
    this.announce(contactId, 'note.edit', journalled);
    return note;
  }

  delete({ id }: ParsedInput<'notes.delete'>): MethodOutput<'notes.delete'> {
    const { store } = this.ctx;
    let journalled: ChangeRow | null = null;
    let contactId = '';
    store.transaction(() => {
      const { note, contact } = this.changeable(id);
      contactId = contact.id;
      const started = this.changes.begin();
      this.writer.withdrawNote(id);
      journalled = this.changes.record(started, {
        kind: 'contact.noteDelete',
        summary: `Note on ${who(contact)} deleted`,
        records: [{ type: 'contact', id: contact.id, label: who(contact) }],
        fields: [{ type: 'contact', id: contact.id, field: FIELD.note(id), before: note.body, after: null }],
      });
    });
    this.announce(contactId, 'note.delete', journalled);
    return { id, deleted: true };
  }

  list({ contactId, limit, offset }: ParsedInput<'notes.list'>): MethodOutput<'notes.list'> {
    const contact = this.contact(contactId);
    const page = this.ctx.store.notes.forContact(contact.pk, limit, offset ?? 0);
    return { items: page.rows.map(toNote), total: page.total };
  }

  private announce(contactId: string, op: string, journalled: ChangeRow | null): void {
    this.ctx.hub.emit('changed', { entity: 'note', ids: [contactId], op });
    this.ctx.hub.emit('changed', { entity: 'contact', ids: [contactId], op });
    this.ctx.hub.emit('changed', { entity: 'outbox', ids: [], op });
    this.changes.announce(journalled);
  }
}
