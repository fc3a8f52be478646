// "Merge into…": pick the other contact by search (unless it is given), then both side by side
// with the value kept per field (the preview's defaults: the user's over the lead's, a value over
// none), what Intercom will do (merge, or update one and archive the other) before confirming.
import { useEffect, useState } from 'react';
import type { ContactListItem } from '../../../shared/domain';
import type { MergePreview, MergeSide } from '../../../shared/api/merges';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { describeError, toast } from '../state/toastStore';
import { Dialog } from '../ui/Dialog';
import { plural } from '../../../shared/words';
import { ROLE_LABEL } from '../ui/labels';
import './merges.css';

const who = (c: { name: string | null; email: string | null }) => c.name ?? c.email ?? 'Unnamed contact';
const shown = (v: unknown) => (v === null || v === undefined || v === '' ? null : typeof v === 'string' ? v : JSON.stringify(v));

/** Finds the other contact by name or email. */
function Picker({ exceptId, onPick }: { exceptId: string; onPick: (id: string) => void }) {
  const client = useClient();
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<ContactListItem[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (search.trim() === '') {
      setFound([]);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      client
        .call('contacts.list', { search, limit: 8 })
        .then((r) => live && (setFound(r.items.filter((c) => c.id !== exceptId)), setError(null)))
        .catch((e: unknown) => live && setError(describeError(e)));
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [client, search, exceptId]);
  return (
    <div className="merge-picker">
      <label>
        Keep which contact? Search by name or email
        <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} autoFocus data-testid="merge-search" />
      </label>
      {error && <p className="error">{error}</p>}
      {search.trim() !== '' && found.length === 0 && !error && <p className="muted">No other contact matches.</p>}
      <ul>
        {found.map((c) => (
          <li key={c.id}>
            <button type="button" className="secondary" onClick={() => onPick(c.id)} data-testid="merge-candidate">
              <span>{who(c)}</span>
              <span className="muted">
                {c.email && c.name ? `${c.email} · ` : ''}
                {ROLE_LABEL[c.role]}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function MergeDialog({ fromId, intoId, onClose }: { fromId: string; intoId: string | null; onClose: () => void }) {
  const client = useClient();
  const openContact = useNav((s) => s.openContact);
  const [pair, setPair] = useState<{ from: string; into: string | null }>({ from: fromId, into: intoId });
  const [preview, setPreview] = useState<MergePreview | null>(null);
  const [pick, setPick] = useState<Record<string, MergeSide>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!pair.into) return;
    let live = true;
    setPreview(null);
    client
      .call('contacts.mergePreview', { fromId: pair.from, intoId: pair.into })
      .then((p) => {
        if (!live) return;
        setPreview(p);
        setPick(Object.fromEntries(p.fields.map((f) => [f.field, f.pick])));
        setError(null);
      })
      .catch((e: unknown) => live && setError(describeError(e)));
    return () => {
      live = false;
    };
  }, [client, pair]);

  const merge = async () => {
    if (!pair.into) return;
    setBusy(true);
    try {
      const res = await client.call('contacts.merge', { fromId: pair.from, intoId: pair.into, pick });
      toast.ok(res.message);
      openContact(res.contact.id);
      onClose();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={onClose} title="Merge duplicates" className="merge-dialog" testId="merge-dialog">
      {!pair.into ? (
        <Picker exceptId={pair.from} onPick={(id) => setPair({ from: pair.from, into: id })} />
      ) : !preview ? (
        error ? null : <p className="muted">Loading…</p>
      ) : (
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            void merge();
          }}
        >
          <p className="dialog-body">
            <strong>{who(preview.from)}</strong> ({ROLE_LABEL[preview.from.role]}) goes; <strong>{who(preview.into)}</strong> ({ROLE_LABEL[preview.into.role]}) stays
            and takes its companies, events, history and messages ({[plural(preview.moves.companies, 'company', 'companies'), plural(preview.moves.events, 'event'), plural(preview.moves.messages, 'message'), plural(preview.moves.history, 'stage change')].join(', ')}).{' '}
            <button type="button" className="link" onClick={() => setPair({ from: pair.into!, into: pair.from })} data-testid="merge-swap">
              Keep {who(preview.from)} instead
            </button>
          </p>
          {preview.fields.length > 0 && (
            <table className="merge-table" data-testid="merge-fields">
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">{who(preview.from)} (goes)</th>
                  <th scope="col">{who(preview.into)} (stays)</th>
                </tr>
              </thead>
              <tbody>
                {preview.fields.map((f) => (
                  <tr key={f.field} data-testid="merge-field" data-field={f.field}>
                    <th scope="row">{f.label}</th>
                    {(['from', 'into'] as const).map((side) => (
                      <td key={side}>
                        <label>
                          <input
                            type="radio"
                            name={`pick-${f.field}`}
                            checked={pick[f.field] === side}
                            onChange={() => setPick((p) => ({ ...p, [f.field]: side }))}
                            data-testid={`merge-pick-${side}`}
                          />
                          {shown(f[side]) ?? <span className="muted merge-empty">empty</span>}
                        </label>
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="muted">Stage, role and user id stay {who(preview.into)}’s.</p>
          <p className="merge-intercom" data-testid="merge-intercom" data-mode={preview.intercom.mode}>
            {preview.intercom.message}
          </p>
          {preview.blocked && (
            <p className="error" role="alert" data-testid="merge-blocked">
              Cannot merge now: {preview.blocked}.
            </p>
          )}
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" className="secondary" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" disabled={busy || preview.blocked !== null} data-testid="merge-confirm">
              Merge into {who(preview.into)}
            </button>
          </div>
        </form>
      )}
      {error && !preview && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!preview && (
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      )}
    </Dialog>
  );
}
