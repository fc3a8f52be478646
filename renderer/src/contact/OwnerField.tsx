// The owner of a contact on its page: one of the team (as the last sync read it) or nobody,
// saved as soon as it is picked; a refusal stays beside the field in words.
import { useId, useState } from 'react';
import { describeError, toast } from '../state/toastStore';
import { ownerName, useTeam } from '../state/teamStore';

export function OwnerField({ ownerId, onSave }: { ownerId: string | null; onSave: (ownerId: string | null) => Promise<void> }) {
  const id = useId();
  const admins = useTeam((s) => s.admins);
  const me = useTeam((s) => s.me);
  const team = { admins, me };
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // an owner who left the team (or is not listed yet) still shows as the current value
  const listed = admins.filter((a) => a.active || a.id === ownerId);
  const known = ownerId === null || listed.some((a) => a.id === ownerId);
  return (
    <div className="ef" data-testid="field-owner">
      <label className="ef-label" htmlFor={id}>
        Owner
      </label>
      <select
        id={id}
        className="rec-owner"
        value={ownerId ?? ''}
        disabled={saving}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => {
          const next = e.target.value === '' ? null : e.target.value;
          setSaving(true);
          setError(null);
          onSave(next)
            .then(() => toast.ok(next === null ? 'Owner removed' : `Owner set to ${ownerName(next, team)}`))
            .catch((err: unknown) => setError(describeError(err)))
            .finally(() => setSaving(false));
        }}
      >
        <option value="">Nobody</option>
        {!known && ownerId && <option value={ownerId}>{ownerName(ownerId, team)}</option>}
        {listed.map((a) => (
          <option key={a.id} value={a.id}>
            {ownerName(a.id, team)}
            {a.active ? '' : ' (left the team)'}
          </option>
        ))}
      </select>
      {error && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
