// Archive, restore and delete on the lead page. An archive is undone like any change (its toast
// and the journal offer it); a delete is for good, so its dialog names the contact, says what goes
// and what it does not reach, and waits for the name to be typed before it deletes.
import { useState } from 'react';
import type { Contact } from '../../../shared/domain';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { toast } from '../state/toastStore';
import { Dialog } from '../ui/Dialog';
import { When } from '../ui/When';

/** The note at the top of an archived contact's page, with its Restore. */
export function ArchivedNote({ contact, label, onDone }: { contact: Contact; label: string; onDone: () => void }) {
  const restore = useArchive(contact.id, label, onDone);
  if (!contact.archivedAt) return null;
  return (
    <div className="rec-note rec-archived" role="note" data-testid="archived-note">
      <span>
        Archived <When at={contact.archivedAt} />: hidden from the leads table, search, counts and segments, and archived in Intercom. Restore it to
        change it.
      </span>{' '}
      <button type="button" className="secondary" onClick={() => void restore(false)} disabled={restore.busy}>
        Restore
      </button>
    </div>
  );
}

function useArchive(id: string, label: string, onDone: () => void) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const run = async (archived: boolean) => {
    setBusy(true);
    try {
      await client.call('contacts.setArchived', { ids: [id], archived });
      toast.ok(archived ? `${label} is archived.` : `${label} is restored.`);
      onDone();
    } catch (e) {
      toast.error(e);
    } finally {
      setBusy(false);
    }
  };
  return Object.assign(run, { busy });
}

/** The page's last section: archive (or restore) and delete. */
export function RemoveSection({ contact, label, onDone }: { contact: Contact; label: string; onDone: () => void }) {
  const archive = useArchive(contact.id, label, onDone);
  const [deleting, setDeleting] = useState(false);
  const archived = contact.archivedAt !== null;
  return (
    <section className="rec-section" aria-labelledby="contact-remove-h">
      <h3 id="contact-remove-h">Archive or delete</h3>
      <p className="muted">
        Archiving hides {label} here and in Intercom and can be undone. Deleting removes {label} for good.
      </p>
      <div className="rec-actions">
        <button type="button" className="secondary" onClick={() => void archive(!archived)} disabled={archive.busy} data-testid="contact-archive">
          {archived ? 'Restore' : 'Archive'}
        </button>
        <button type="button" className="danger" onClick={() => setDeleting(true)} data-testid="contact-delete">
          Delete…
        </button>
      </div>
      {deleting && <DeleteDialog contact={contact} label={label} onClose={() => setDeleting(false)} />}
    </section>
  );
}

function DeleteDialog({ contact, label, onClose }: { contact: Contact; label: string; onClose: () => void }) {
  const client = useClient();
  const closePanel = useNav((s) => s.closePanel);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const matches = typed.trim() === label;
  const submit = async () => {
    if (!matches) return;
    setBusy(true);
    try {
      const res = await client.call('contacts.delete', { id: contact.id, confirm: true });
      toast.ok(res.message);
      onClose();
      closePanel();
    } catch (e) {
      toast.error(e);
      setBusy(false);
    }
  };
  return (
    <Dialog open onClose={onClose} title={`Delete ${label}?`} testId="delete-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="dialog-body">
          <p>
            <strong>This cannot be undone.</strong> {label} is erased from this console: the record, its events, stage history, notes,
            messages, import rows and what the change journal kept of it.
            {contact.intercomId || contact.syncState !== 'local' ? ' Intercom deletes it too, at the next sync.' : ''}
          </p>
          <p className="muted">Earlier backups of the store, exported files and Intercom&apos;s own retention are not reached. To hide it instead, archive it.</p>
          <label className="delete-confirm">
            Type <strong>{label}</strong> to confirm
            <input value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus autoComplete="off" data-testid="delete-confirm-input" />
          </label>
        </div>
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="danger" disabled={!matches || busy} data-testid="delete-confirm">
            Delete for good
          </button>
        </div>
      </form>
    </Dialog>
  );
}
