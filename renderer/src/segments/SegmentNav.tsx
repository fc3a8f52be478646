// The sidebar's saved segments with live member counts. Counts are asked again after every
// change anywhere (debounced), so a stage set in the table or a sync moves them on its own. A
// click shows the segment's members in the Leads table; the pencil opens the editor.
import { Suspense, useEffect } from 'react';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { onDemand } from '../state/onDemand';
import { Dialog } from '../ui/Dialog';
import { ScreenBoundary } from '../ui/ScreenBoundary';
import { useChanged } from '../state/useChanged';
import { plural } from '../ui/labels';
import { useLeads } from '../leads/leadsStore';
import { reloadSegments, segmentById, useSegments } from './segmentsStore';
import './segments.css';

// The editor validates with zod: it loads in its own chunk, when first opened.
const SegmentEditor = onDemand('the segment editor', () => import('./SegmentEditor').then((m) => m.SegmentEditor));

/** Any change can move a count: records, their events, sync states, imports, the segments themselves. */
const COUNT_MOVERS = ['contact', 'company', 'outbox', 'event', 'segment', 'import', 'bulk'] as const;

export function SegmentNav() {
  const client = useClient();
  const items = useSegments((s) => s.items);
  const error = useSegments((s) => s.error);
  const editing = useSegments((s) => s.editing);
  const setEditing = useSegments((s) => s.setEditing);
  const view = useNav((s) => s.view);
  const activeId = useLeads((s) => s.filter.segment?.id ?? null);

  useEffect(() => void reloadSegments(client), [client]);
  useChanged([...COUNT_MOVERS], () => void reloadSegments(client), { delay: 300 });

  // The chip follows a rename, and goes when its segment is deleted.
  useEffect(() => {
    const f = useLeads.getState().filter;
    if (!items || !f.segment) return;
    const s = items.find((x) => x.id === f.segment!.id);
    if (!s) useLeads.getState().removeFilter({ kind: 'segment', id: f.segment.id, name: f.segment.name });
    else if (s.name !== f.segment.name) useLeads.setState({ filter: { ...f, segment: { id: s.id, name: s.name } } });
  }, [items]);

  useSegmentInHash();

  const open = (id: string, name: string) => {
    useLeads.getState().showOnly({ segment: { id, name } });
    useNav.getState().go('leads');
  };


  return (
    <section className="segment-nav" aria-labelledby="segment-nav-title" data-testid="segment-nav">
      <div className="segment-nav-head">
        <h2 id="segment-nav-title">Segments</h2>
        <button type="button" className="link" onClick={() => setEditing('new')} aria-label="New segment" title="New segment">
          +
        </button>
      </div>
      {error && (
        <p className="error segment-nav-error" role="alert">
          Could not count the segments: {error}{' '}
          <button type="button" className="link" onClick={() => void reloadSegments(client)}>
            Try again
          </button>
        </p>
      )}
      {items === null && !error && <p className="muted segment-nav-loading">Counting…</p>}
      <ul>
        {items?.map((s) => {
          const active = view === 'leads' && activeId === s.id;
          return (
            <li key={s.id} className="segment-nav-item" data-testid="segment-item" data-segment-id={s.id}>
              <button
                type="button"
                className={`nav-item segment-open ${active ? 'active' : ''}`}
                data-testid="segment-open"
                aria-current={active ? 'true' : undefined}
                onClick={() => open(s.id, s.name)}
              >
                <span className="segment-name" title={s.name}>
                  {s.name}
                </span>
                <span className="segment-count" data-testid="segment-count" aria-hidden="true" title={s.count === null ? 'Could not be counted' : undefined}>
                  {s.count === null ? '–' : s.count.toLocaleString()}
                </span>
                <span className="visually-hidden">, {s.count === null ? 'not counted' : plural(s.count, 'contact')}</span>
              </button>
              <button type="button" className="link segment-edit" aria-label={`Edit segment ${s.name}`} title="Edit" onClick={() => setEditing(s.id)}>
                ✎
              </button>
            </li>
          );
        })}
      </ul>
      {editing && (
        <ScreenBoundary
          key={editing}
          what={SegmentEditor.what}
          onBack={() => {
            setEditing(null);
            useNav.getState().go('leads');
          }}
          frame={(content) => (
            <Dialog open onClose={() => setEditing(null)} title="Segment" testId="segment-editor-error">
              {content}
            </Dialog>
          )}
        >
          <Suspense fallback={null}>
            <SegmentEditor.Component id={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />
          </Suspense>
        </ScreenBoundary>
      )}
    </section>
  );
}

/**
 * Keeps the table's segment and the URL (#/leads?segment=<id>) in step: opening a segment goes
 * into the history, and a reload or back / forward shows the segment again.
 */
function useSegmentInHash() {
  useEffect(() => {
    const apply = (id: string | null) => {
      const leads = useLeads.getState();
      const shown = leads.filter.segment;
      if ((shown?.id ?? null) === id) return;
      // the name arrives with the segment list (the chip follows it there)
      if (id) leads.showOnly({ segment: { id, name: segmentById(id)?.name ?? 'Segment' } });
      else if (shown) leads.removeFilter({ kind: 'segment', id: shown.id, name: shown.name });
    };
    apply(useNav.getState().segment);
    const offNav = useNav.subscribe((s, prev) => {
      if (s.segment !== prev.segment) apply(s.segment);
    });
    const offLeads = useLeads.subscribe((s, prev) => {
      const id = s.filter.segment?.id ?? null;
      if (id !== (prev.filter.segment?.id ?? null) && useNav.getState().segment !== id) useNav.setState({ segment: id });
    });
    return () => {
      offNav();
      offLeads();
    };
  }, []);
}
