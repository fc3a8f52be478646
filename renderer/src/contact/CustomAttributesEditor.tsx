// Custom attributes as a key/value list: each value edits in place, a new one is added with the
// small form below, and removing sends null (which is how the API deletes a key).
import { useId, useState, type FormEvent } from 'react';
import { CustomAttributes } from '../../../shared/domain';
import { EditableField } from './EditableField';
import { check, describeFieldError, type Checked } from './fieldErrors';

type Scalar = string | number | boolean;

const asText = (v: Scalar | null | undefined) => (v === null || v === undefined ? '' : String(v));

/**
 * Typed text as an attribute value. Intercom attributes are typed, so an existing number stays a
 * number and a boolean a boolean when the text still reads as one; new values that look like a
 * number or true/false are taken as such.
 */
function toValue(raw: string, like: Scalar | null | undefined): Scalar {
  const t = raw.trim();
  const wantsNumber = like === undefined || typeof like === 'number';
  const wantsBool = like === undefined || typeof like === 'boolean';
  if (wantsNumber && /^-?\d+(\.\d+)?$/.test(t) && Number.isFinite(Number(t))) return Number(t);
  if (wantsBool && (t === 'true' || t === 'false')) return t === 'true';
  return t;
}

function checkAttr(key: string, value: Scalar): Checked<Scalar> {
  const r = check(CustomAttributes, { [key]: value }, key === '' ? 'Attribute name' : key);
  return r.ok ? { ok: true, value } : r;
}

export function CustomAttributesEditor({
  attributes,
  onPatch,
  testId,
}: {
  attributes: CustomAttributes;
  onPatch: (patch: CustomAttributes) => Promise<void>;
  testId: string;
}) {
  const uid = useId();
  const [key, setKey] = useState('');
  const [val, setVal] = useState('');
  const [error, setError] = useState<{ message: string; on: 'key' | 'value' } | null>(null);
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<string | null>(null);
  const entries = Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b));

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const k = key.trim();
    if (k === '') return setError({ message: 'Attribute name: must not be empty', on: 'key' });
    const keyCheck = check(CustomAttributes, { [k]: '' }, 'Attribute name');
    if (!keyCheck.ok) return setError({ message: keyCheck.message, on: 'key' });
    const value = toValue(val, undefined);
    const valueCheck = checkAttr(k, value);
    if (!valueCheck.ok) return setError({ message: valueCheck.message, on: 'value' });
    setBusy(true);
    try {
      await onPatch({ [k]: value });
      setKey('');
      setVal('');
      setError(null);
    } catch (err) {
      setError({ message: describeFieldError(err, k), on: 'value' });
    } finally {
      setBusy(false);
    }
  };

  const remove = async (k: string) => {
    setRemoving(k);
    try {
      await onPatch({ [k]: null });
    } catch (err) {
      setError({ message: describeFieldError(err, k), on: 'key' });
    } finally {
      setRemoving(null);
    }
  };

  const errorId = `${uid}-error`;
  return (
    <div className="rec-attrs" data-testid={testId}>
      {entries.length === 0 && <p className="muted rec-none">No custom attributes.</p>}
      {entries.map(([k, v]) => (
        <div className="rec-attr" key={k}>
          <EditableField
            label={k}
            value={asText(v)}
            parse={(raw) => checkAttr(k, toValue(raw, v))}
            onSave={(next) => onPatch({ [k]: next })}
            emptyText="(empty)"
            testId={`attr-${k}`}
          />
          <button
            type="button"
            className="link rec-remove"
            aria-label={`Remove attribute ${k}`}
            onClick={() => void remove(k)}
            disabled={removing === k}
          >
            Remove
          </button>
        </div>
      ))}
      <form className="rec-attr-add" onSubmit={(e) => void add(e)} aria-label="Add a custom attribute">
        <label className="rec-mini">
          <span>Attribute name</span>
          <input
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-invalid={error?.on === 'key' ? true : undefined}
            aria-describedby={error?.on === 'key' ? errorId : undefined}
            autoComplete="off"
          />
        </label>
        <label className="rec-mini">
          <span>Attribute value</span>
          <input
            value={val}
            onChange={(e) => setVal(e.target.value)}
            aria-invalid={error?.on === 'value' ? true : undefined}
            aria-describedby={error?.on === 'value' ? errorId : undefined}
            autoComplete="off"
          />
        </label>
        <button type="submit" className="secondary" disabled={busy}>
          Add attribute
        </button>
        {error && (
          <p id={errorId} className="field-error rec-attr-error" role="alert">
            {error.message}
          </p>
        )}
      </form>
    </div>
  );
}
