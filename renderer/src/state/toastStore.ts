// Short messages in one corner: errors in plain words, confirmations of what was kept. A toast
// about something still under way carries an id, and the next word about it replaces it in place.
import { create } from 'zustand';
import { ApiError } from '../../../shared/client';
import { withoutFieldLabel } from '../../../shared/fieldLabels';

export type ToastId = number | string;

export interface Toast {
  id: ToastId;
  kind: 'ok' | 'error' | 'info';
  text: string;
  /** Stays until replaced or dismissed (a state still changing), up to STICKY_MS. */
  sticky?: boolean;
}

export interface ToastInput {
  /** A toast with the same id is replaced where it stands; none: a new toast. */
  id?: ToastId;
  kind: Toast['kind'];
  text: string;
  sticky?: boolean;
}

interface ToastState {
  toasts: Toast[];
  push(kind: Toast['kind'], text: string): void;
  /** Shows a toast, or updates the one with the same id in place; returns its id. */
  show(toast: ToastInput): ToastId;
  dismiss(id: ToastId): void;
}

/** How many toasts the region keeps; it shows the newest three, the older ones collapsed. */
const KEEP = 8;
// a toast about a change nobody reports back on (its screen closed) still goes, eventually
const STICKY_MS = 120_000;
const lifetime = (t: Toast) => (t.sticky ? STICKY_MS : t.kind === 'error' ? 8000 : 4000);

let nextId = 1;
const timers = new Map<ToastId, ReturnType<typeof setTimeout>>();

export const useToasts = create<ToastState>()((set, get) => ({
  toasts: [],
  push(kind, text) {
    get().show({ kind, text });
  },
  show(input) {
    const id = input.id ?? nextId++;
    const toast: Toast = { id, kind: input.kind, text: input.text, ...(input.sticky ? { sticky: true } : {}) };
    const current = get().toasts;
    const at = current.findIndex((t) => t.id === id);
    const next = at >= 0 ? current.map((t, i) => (i === at ? toast : t)) : [...current, toast];
    const kept = next.slice(-KEEP);
    for (const gone of next.slice(0, next.length - kept.length)) clearTimer(gone.id);
    set({ toasts: kept });
    clearTimer(id);
    timers.set(
      id,
      setTimeout(() => get().dismiss(id), lifetime(toast)),
    );
    return id;
  },
  dismiss(id) {
    clearTimer(id);
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
}));

function clearTimer(id: ToastId): void {
  const t = timers.get(id);
  if (t !== undefined) clearTimeout(t);
  timers.delete(id);
}

/** Whether a toast with this id is on screen (so news about its subject updates it). */
export function isToastShown(id: ToastId): boolean {
  return useToasts.getState().toasts.some((t) => t.id === id);
}

/** A caught error as a sentence a salesperson can act on. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    switch (e.code) {
      case 'OFFLINE':
        return e.message;
      case 'BUSY':
        return 'The local store is busy; try again in a moment.';
      case 'DISK_FULL': // names the folder and the space to free: said as it is
      case 'DAMAGED':
        return e.message;
      case 'INTERNAL':
        return 'Something went wrong inside Lead Console; nothing was changed. Try again, and if it persists restart the app.';
      default:
        return e.message;
    }
  }
  return e instanceof Error ? e.message : String(e);
}

/** The error as a form shows it beside its field: without the field's words, which the form's label says. */
export function describeWithoutLabel(e: unknown): string {
  return withoutFieldLabel(describeError(e), e instanceof ApiError ? e.field : null);
}

export const toast = {
  ok: (text: string) => useToasts.getState().push('ok', text),
  info: (text: string) => useToasts.getState().push('info', text),
  error: (e: unknown) => useToasts.getState().push('error', describeError(e)),
  /** A toast with an id: shown, or the one with that id updated in place. */
  show: (t: ToastInput) => useToasts.getState().show(t),
};
