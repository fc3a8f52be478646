// The bar of bulk actions: shown with a selection, or with a segment or drill-down on screen
// ("all 1,204 in this segment"). Every action is counted and confirmed first (bulkActions.ts).
// Also the "Undo" offer after a run and the list of recent bulk actions.
import { useCallback, useEffect, useState } from 'react';
import type { BulkRecord } from '../../../shared/activity';
import type { ContactStage } from '../../../shared/domain';
import { COMPANY_STAGES, CONTACT_STAGES } from '../../../shared/values';
import { useClient } from '../state/ClientContext';
import { describeError } from '../state/toastStore';
import { useChanged } from '../state/useChanged';
import { MessageComposer } from '../compose/MessageComposer';
import { Dialog } from '../ui/Dialog';
import { COMPANY_STAGE_LABEL, CONTACT_STAGE_LABEL } from '../ui/labels';
import { When } from '../ui/When';
import { useSecondsLeft } from '../ui/useSecondsLeft';
import { currentTarget, dismissUndo, runBulk, undoBulk, useBulkUndo, visibleExportColumns } from './bulkActions';
import { CompanyFilterSearch } from './CompanyFilterSearch';
import { TagChoice } from './TagChoice';
import { useLeads } from './leadsStore';
import { Popover } from './Popover';
import { OverflowRow } from '../ui/OverflowRow';
import { setArchivedOfSelection, setStageOfSelection } from './selection';
import { ownerName as nameOfOwner, useTeam } from '../state/teamStore';

/** The team to assign to (me first), and "Nobody" to take the owner away. */
function OwnerChoices({ onPick }: { onPick: (ownerId: string | null, name: string) => void }) {
  const admins = useTeam((s) => s.admins);
  const me = useTeam((s) => s.me);
  const team = { admins, me };
  const active = admins.filter((a) => a.active);
  const ordered = [...active.filter((a) => a.id === me?.adminId), ...active.filter((a) => a.id !== me?.adminId)];
  return (
    <>
      {ordered.length === 0 && <span className="popover-heading">No team yet: sync to read it from Intercom</span>}
      {ordered.map((a) => (
        <button key={a.id} type="button" className="secondary" onClick={() => onPick(a.id, nameOfOwner(a.id, team))}>
          {nameOfOwner(a.id, team)}
        </button>
      ))}
      <button type="button" className="secondary" onClick={() => onPick(null, 'nobody')}>
        Nobody (remove the owner)
      </button>
    </>
  );
}


/** What the bar offers on archived contacts: everything else changes them, which waits for a restore. */
const IN_ARCHIVED_VIEW = new Set(['archive', 'export', 'clear']);

export function BulkBar() {
  const client = useClient();
  const count = useLeads((s) => s.selected.size);
  const note = useLeads((s) => s.selectionNote);
  const clearSelection = useLeads((s) => s.clearSelection);
  const setOpenMenu = useLeads((s) => s.setOpenMenu);
  // Re-render when what "everyone shown" means changes (filters, the total).
  useLeads((s) => s.filter);
  useLeads((s) => s.search);
  useLeads((s) => s.result?.total);
  const archivedView = useLeads((s) => s.filter.archived === true);
  const [messageOpen, setMessageOpen] = useState(false);
  const choice = currentTarget();
  if (!choice && !note) return null;

  const setStage = (stage: ContactStage) => {
    setOpenMenu(null);
    // reaching Signed up is the sign-up (role user too), as on one record: never a bare stage move
    if (stage === 'signed_up') void runBulk(client, { type: 'signUp' });
    // A selection keeps its confirmation that also counts demotions.
    else if (count > 0) void setStageOfSelection(client, stage);
    else void runBulk(client, { type: 'setStage', stage });
  };

  return (
    <div className="leads-bulk" role="toolbar" aria-label="Bulk actions" data-testid="bulk-bar">
      {choice && (
        <>
          {count > 0 ? (
            <span className="leads-bulk-count" data-testid="selected-count">
              {count.toLocaleString()} selected
            </span>
          ) : (
            <span className="leads-bulk-count" data-testid="bulk-target">
              {choice.words[0]!.toUpperCase() + choice.words.slice(1)}
            </span>
          )}
          <span aria-hidden="true">·</span>
          <OverflowRow
            label="More bulk actions"
            testId="bulk-actions"
            items={[
              {
                key: 'stage',
                node: (
                  <Popover menu="bulkStage" label="Set stage" buttonText="Set stage ▾" testId="bulk-stage-menu">
                    {CONTACT_STAGES.map((v) => (
                      <button key={v} type="button" className="secondary" onClick={() => setStage(v)}>
                        {CONTACT_STAGE_LABEL[v]}
                      </button>
                    ))}
                    <span className="popover-heading">Their companies</span>
                    {COMPANY_STAGES.map((v) => (
                      <button
                        key={v}
                        type="button"
                        className="secondary"
                        onClick={() => {
                          setOpenMenu(null);
                          void runBulk(client, { type: 'setCompanyStage', stage: v });
                        }}
                      >
                        Company: {COMPANY_STAGE_LABEL[v]}
                      </button>
                    ))}
                  </Popover>
                ),
              },
              {
                key: 'link',
                node: (
                  <Popover menu="bulkLink" label="Link to company" buttonText="Link to company ▾" testId="bulk-link-menu">
                    <div className="popover-group popover-company">
                      <CompanyFilterSearch
                        onPick={(c) => {
                          setOpenMenu(null);
                          void runBulk(client, { type: 'link', companyId: c.id }, { companyName: c.name });
                        }}
                      />
                    </div>
                  </Popover>
                ),
              },
              {
                key: 'owner',
                node: (
                  <Popover menu="bulkOwner" label="Assign owner" buttonText="Assign owner ▾" testId="bulk-owner-menu">
                    <OwnerChoices
                      onPick={(ownerId, ownerName) => {
                        setOpenMenu(null);
                        void runBulk(client, { type: 'setOwner', ownerId }, { ownerName });
                      }}
                    />
                  </Popover>
                ),
              },
              {
                key: 'tag',
                node: (
                  <Popover menu="bulkTag" label="Add tag" buttonText="Add tag ▾" testId="bulk-tag-menu">
                    <div className="popover-group popover-company">
                      <TagChoice
                        label="Find a tag to add"
                        onPick={(name) => {
                          setOpenMenu(null);
                          void runBulk(client, { type: 'addTag', name, create: false });
                        }}
                        onCreate={(name) => {
                          setOpenMenu(null);
                          void runBulk(client, { type: 'addTag', name, create: true });
                        }}
                      />
                    </div>
                  </Popover>
                ),
              },
              {
                key: 'untag',
                node: (
                  <Popover menu="bulkUntag" label="Remove tag" buttonText="Remove tag ▾" testId="bulk-untag-menu">
                    <div className="popover-group popover-company">
                      <TagChoice
                        label="Find a tag to remove"
                        onPick={(name) => {
                          setOpenMenu(null);
                          void runBulk(client, { type: 'removeTag', name });
                        }}
                      />
                    </div>
                  </Popover>
                ),
              },
              {
                key: 'message',
                node: (
                  <button type="button" className="secondary" onClick={() => setMessageOpen(true)}>
                    Send message…
                  </button>
                ),
              },
              {
                key: 'flush',
                node: (
                  <button type="button" className="secondary" onClick={() => void runBulk(client, { type: 'flush' })}>
                    Flush pending messages
                  </button>
                ),
              },
              ...(count > 0
                ? [
                    {
                      key: 'archive',
                      node: (
                        <button type="button" className="secondary" onClick={() => void setArchivedOfSelection(client, !archivedView)} data-testid="bulk-archive">
                          {archivedView ? 'Restore' : 'Archive'}
                        </button>
                      ),
                    },
                  ]
                : []),
              {
                key: 'export',
                node: (
                  <button type="button" className="secondary" onClick={() => void runBulk(client, { type: 'export', columns: visibleExportColumns() })}>
                    Export
                  </button>
                ),
              },
              ...(count > 0
                ? [
                    {
                      key: 'clear',
                      node: (
                        <button type="button" className="link" onClick={clearSelection}>
                          Clear
                        </button>
                      ),
                    },
                  ]
                : []),
            ].filter((item) => !archivedView || IN_ARCHIVED_VIEW.has(item.key))}
          />
        </>
      )}
      {note && (
        <span className="leads-bulk-note" role="note" data-testid="selection-note">
          {note}
        </span>
      )}
      {messageOpen && <MessageDialog onClose={() => setMessageOpen(false)} />}
    </div>
  );
}

/** The composer for everyone targeted; the send is counted and confirmed (runBulk) after. */
function MessageDialog({ onClose }: { onClose: () => void }) {
  const client = useClient();
  const choice = currentTarget();
  return (
    <Dialog open onClose={onClose} title="Send a message" testId="bulk-message-dialog" className="bulk-message-dialog">
      {choice && (
        <MessageComposer
          target={choice.target}
          many
          onCancel={onClose}
          onSend={async (m) => {
            onClose();
            await runBulk(client, { type: 'message', ...m });
          }}
        />
      )}
    </Dialog>
  );
}

/**
 * "Set stage to Signed up on 3 contacts. Undo", after a run that can be undone; for messages and
 * flushes "Sending in 7 s · Undo" while they are held, then "Sending…" without undo.
 */
export function UndoOffer() {
  const offer = useBulkUndo((s) => s.offer);
  if (!offer) return null;
  return <UndoOfferToast key={offer.id} offer={offer} />;
}

function UndoOfferToast({ offer }: { offer: BulkRecord }) {
  const client = useClient();
  const left = useSecondsLeft(offer.releaseAt);
  const held = offer.releaseAt !== null;
  // a push can take the undo away (sign-ups Intercom has as users): the offer says so instead of
  // offering what would be refused; a held message bulk counts down on its own
  useChanged(
    ['outbox', 'bulk'],
    () => {
      if (held) return;
      client
        .call('bulk.list', { limit: 20 })
        .then((r) => {
          const now = r.items.find((b) => b.id === offer.id);
          if (now && !now.undoable && useBulkUndo.getState().offer?.id === offer.id) useBulkUndo.setState({ offer: now });
        })
        .catch(() => undefined);
    },
    { delay: 300 },
  );
  return (
    <div className="bulk-undo toast" role="status" data-testid="bulk-undo">
      <span>
        {offer.summary}
        {held && <span data-testid="bulk-undo-hold">{left > 0 ? ` · Sending in ${left} s` : ' · Sending…'}</span>}
        {!held && !offer.undoable && offer.undoBlockedReason && <span data-testid="bulk-undo-reason"> · {offer.undoBlockedReason}</span>}
      </span>
      {(held ? left > 0 : offer.undoable) && (
        <button type="button" className="secondary" onClick={() => void undoBulk(client, offer.id)}>
          Undo
        </button>
      )}
      <button type="button" className="link" aria-label="Dismiss" onClick={dismissUndo}>
        ×
      </button>
    </div>
  );
}

/** Undo while possible (a held message bulk: until its hold ends, counting down), else why not. */
function HistoryUndo({ b, onUndo }: { b: BulkRecord; onUndo: () => void }) {
  const left = useSecondsLeft(b.undoable ? b.releaseAt : null);
  if (b.undoneAt) return <span className="muted">
        Undone <When at={b.undoneAt} />
      </span>;
  if (b.undoable && (b.releaseAt === null || left > 0)) {
    return (
      <>
        {b.releaseAt !== null && <span className="muted">Sending in {left} s</span>}
        <button type="button" className="secondary" onClick={onUndo}>
          Undo
        </button>
      </>
    );
  }
  const reason = b.undoable ? 'Messages already sent cannot be taken back.' : (b.undoBlockedReason ?? 'Cannot be undone');
  return <span className="muted bulk-history-reason">{reason}</span>;
}

/** The latest bulk actions, with undo while possible and the reason when it no longer is. */
export function BulkHistory() {
  const open = useLeads((s) => s.openMenu === 'bulkHistory');
  return (
    <div className="bulk-history-anchor">
      <Popover menu="bulkHistory" label="Recent bulk actions" buttonText="Recent bulk actions" testId="bulk-history">
        {open && <BulkHistoryList />}
      </Popover>
    </div>
  );
}

function BulkHistoryList() {
  const client = useClient();
  const [items, setItems] = useState<BulkRecord[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    client
      .call('bulk.list', { limit: 10 })
      .then((r) => {
        setItems(r.items);
        setError(null);
      })
      .catch((e: unknown) => setError(describeError(e)));
  }, [client]);
  useEffect(load, [load]);
  // undo, sync and later edits change what can still be undone
  useChanged(['bulk', 'contact', 'outbox'], load, { delay: 300 });
  if (error)
    return (
      <p className="error" role="alert">
        Could not read the bulk actions: {error}{' '}
        <button type="button" className="link" onClick={load}>
          Try again
        </button>
      </p>
    );
  if (!items) return <p className="muted">Loading…</p>;
  if (items.length === 0) return <p className="muted">No bulk actions yet.</p>;
  return (
    <ul className="bulk-history-list">
      {items.map((b) => (
        <li key={b.id} data-testid="bulk-history-item">
          <span className="bulk-history-summary">{b.summary}</span>
          <When at={b.createdAt} className="muted bulk-history-when" />
          <HistoryUndo b={b} onUndo={() => void undoBulk(client, b.id).then(load)} />
        </li>
      ))}
    </ul>
  );
}
