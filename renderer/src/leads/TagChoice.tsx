// A tag picked from the workspace's tags: type a few letters, pick one of the matches. Used by the
// table's tag filter and the bulk "Remove tag"; with `onCreate`, the bulk "Add tag" also offers
// "Create tag “x”" as its own, last button, only for a name no tag has (never made by accident).
import { useState } from 'react';
import { matchTags, useWorkspaceTags } from '../state/tagsStore';

export function TagChoice({ label, onPick, onCreate }: { label: string; onPick: (name: string) => void; onCreate?: (name: string) => void }) {
  const tags = useWorkspaceTags();
  const [text, setText] = useState('');
  const typed = text.trim();
  const options = matchTags(tags, typed, 10);
  const exact = tags.some((t) => t.name.toLowerCase() === typed.toLowerCase());
  const done = (f: (name: string) => void, name: string) => {
    setText('');
    f(name);
  };
  return (
    <>
      <input type="search" aria-label={label} placeholder="Tag name…" maxLength={190} value={text} onChange={(e) => setText(e.target.value)} />
      <ul className="popover-options" aria-label="Matching tags">
        {options.map((t) => (
          <li key={t.id}>
            <button type="button" className="secondary" onClick={() => done(onPick, t.name)}>
              {t.name}
            </button>
          </li>
        ))}
        {onCreate && typed && !exact && (
          <li>
            <button type="button" className="secondary tag-create" onClick={() => done(onCreate, typed)}>
              Create tag “{typed}”
            </button>
          </li>
        )}
        {options.length === 0 && !(onCreate && typed) && <li className="muted">{tags.length === 0 ? 'No tags yet' : 'No matching tag'}</li>}
      </ul>
    </>
  );
}
