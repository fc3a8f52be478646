// A contact's or company's tags on its record page: each one with Remove, and an input that
// offers the workspace's tags as it is typed. A new tag is made only by choosing the explicit
// last option "Create tag “x”" (never offered under an existing tag's name, in any case), so a
// typo never becomes a tag. Every change is journalled and undoable (the toast offers it).
import { useCallback, useEffect, useState } from 'react';
import type { TagRef } from '../../../shared/domain';
import { TagName } from '../../../shared/domain';
import { useClient } from '../state/ClientContext';
import { matchTags, reloadTags, useWorkspaceTags } from '../state/tagsStore';
import { toast } from '../state/toastStore';
import { useChanged } from '../state/useChanged';
import { check } from './fieldErrors';
import { InputError, Linker } from './Linker';

type Target = { type: 'contact' | 'company'; id: string; label: string };

export function TagsSection({ target }: { target: Target }) {
  const client = useClient();
  const workspace = useWorkspaceTags();
  const [tags, setTags] = useState<TagRef[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const { type, id } = target;

  const load = useCallback(async () => {
    try {
      setTags((await client.call('tags.of', { type, id })).items);
    } catch (e) {
      toast.error(e);
    }
  }, [client, type, id]);
  useEffect(() => void load(), [load]);
  useChanged([type], () => void load(), { ids: [id] });

  const search = useCallback(async (text: string) => matchTags(workspace, text, 8), [workspace]);
  const changed = () => {
    void load();
    void reloadTags(client);
  };

  const remove = async (tag: TagRef) => {
    setBusy(tag.id);
    try {
      await client.call('tags.remove', { type, id, tagId: tag.id });
      toast.ok(`Removed tag ${tag.name}`);
      changed();
    } catch (e) {
      toast.error(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="rec-section" aria-labelledby={`${type}-tags-h`}>
      <h3 id={`${type}-tags-h`}>Tags</h3>
      {tags && tags.length === 0 && <p className="muted rec-none">No tags.</p>}
      {tags && tags.length > 0 && (
        <ul className="rec-tags" data-testid="record-tags" aria-label="Tags">
          {tags.map((t) => (
            <li key={t.id} className="tag-chip" data-testid="record-tag">
              <span>{t.name}</span>
              <button type="button" className="link rec-remove" aria-label={`Remove tag ${t.name}`} disabled={busy === t.id} onClick={() => void remove(t)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <Linker<TagRef>
        label="Add a tag"
        inputLabel={`Add a tag to ${target.label}`}
        listLabel="Tags"
        placeholder="Type to find a tag"
        emptyText="No tags yet: type a name to create one"
        errorSubject="Tag"
        statusTestId="tag-linker-status"
        search={search}
        idOf={(t) => t.id}
        describe={(t) => ({ name: t.name, detail: '' })}
        excludeIds={(tags ?? []).map((t) => t.id)}
        link={async (t) => {
          await client.call('tags.add', { type, id, name: t.name });
          return `Tagged ${target.label} ${t.name}`;
        }}
        create={{
          optionText: (text) => `Create tag “${text}”`,
          offer: (text) => !workspace.some((t) => t.name.toLowerCase() === text.toLowerCase()),
          run: async (text) => {
            const name = check(TagName, text, 'Tag');
            if (!name.ok) throw new InputError(name.message);
            return (await client.call('tags.add', { type, id, name: name.value, create: true })).tag;
          },
          done: (t) => `Created tag ${t.name} and tagged ${target.label}`,
        }}
        onLinked={(message) => {
          toast.ok(message);
          changed();
        }}
      />
    </section>
  );
}
