// The undo of single changes: the offer after each change a person makes ("Stage of Ana Lima set
// to SQL · Undo", for UNDO_OFFER_MS), the undo itself with its result in words, and the changes
// of one record for its history. The engine announces every journalled change (`change` event).
import { useCallback, useEffect, useState } from 'react';
import { create } from 'zustand';
import type { ChangeRecord } from '../../../shared/api';
import type { Client } from '../../../shared/client';
import { useClient } from './ClientContext';
import { describeError } from './toastStore';
import { useChanged } from './useChanged';

/** How long the offer stays (at least 10 s; the recent actions keep it after). */
export const UNDO_OFFER_MS = 12_000;
/** How long the result of an undo stays. */
const RESULT_MS = 10_000;

interface UndoState {
  offer: ChangeRecord | null;
  /** The last undo's result (or why it failed), in words. */
  result: { ok: boolean; text: string } | null;
  /** Focus or pointer is on the toast: it stays until they leave. */
  held: boolean;
}

export const useChangeUndo = create<UndoState>()(() => ({ offer: null, result: null, held: false }));
let offerTimer: ReturnType<typeof setTimeout> | undefined;
let resultTimer: ReturnType<typeof setTimeout> | undefined;

function expireOffer(): void {
  clearTimeout(offerTimer);
  offerTimer = setTimeout(() => {
    if (useChangeUndo.getState().held) return;
    useChangeUndo.setState({ offer: null });
  }, UNDO_OFFER_MS);
}

/** A journalled change arrived: offer its undo (an undo, or one that cannot be undone, offers nothing). */
export function offerChange(change: ChangeRecord): void {
  if (change.kind === 'undo' || !change.undoable || change.undoneAt) {
    // an offer taken back elsewhere (the recent list, another window) goes away
    if (useChangeUndo.getState().offer?.id === change.id && change.undoneAt) dismissOffer();
    return;
  }
  useChangeUndo.setState({ offer: change });
  expireOffer();
}

export function dismissOffer(): void {
  clearTimeout(offerTimer);
  useChangeUndo.setState({ offer: null, held: false });
}

export function holdOffer(held: boolean): void {
  useChangeUndo.setState({ held });
  if (!held && useChangeUndo.getState().offer) expireOffer();
}

function showResult(result: { ok: boolean; text: string }): void {
  clearTimeout(resultTimer);
  useChangeUndo.setState({ result });
  resultTimer = setTimeout(() => useChangeUndo.setState({ result: null }), RESULT_MS);
}

export function dismissResult(): void {
  clearTimeout(resultTimer);
  useChangeUndo.setState({ result: null });
}

/** Undoes one change; the result (fields kept included) shows where the offer was. */
export async function undoChange(client: Client, id: string): Promise<boolean> {
  if (useChangeUndo.getState().offer?.id === id) dismissOffer();
  try {
    const r = await client.call('changes.undo', { id });
    showResult({ ok: true, text: r.message });
    return true;
  } catch (e) {
    showResult({ ok: false, text: `Could not undo: ${describeError(e)}` });
    return false;
  }
}

/** Listens for journalled changes (call once, from the frame). */
export function useChangeOffers(): void {
  const client = useClient();
  useEffect(() => client.on('change', offerChange), [client]);
}

/** The journalled changes of one record, newest first, kept fresh; `reload` after an undo. */
export function useRecordChanges(entityType: 'contact' | 'company', id: string): { changes: ChangeRecord[]; reload: () => void } {
  const client = useClient();
  const [changes, setChanges] = useState<ChangeRecord[]>([]);
  const reload = useCallback(() => {
    client
      .call('changes.list', { entityType, entityId: id, limit: 100 })
      .then((r) => setChanges(r.items))
      .catch(() => setChanges([]));
  }, [client, entityType, id]);
  useEffect(reload, [reload]);
  // a push or a later edit changes what can still be undone
  useChanged(['contact', 'company', 'outbox'], reload, { delay: 300 });
  useEffect(() => client.on('change', reload), [client, reload]);
  return { changes, reload };
}
