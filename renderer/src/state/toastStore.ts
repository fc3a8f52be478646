// Short messages in the corner: errors in plain words, confirmations of what was kept.
import { create } from 'zustand';
import { ApiError } from '../../../shared/client';
import { withoutFieldLabel } from '../../../shared/fieldLabels';

export interface Toast {
  id: number;
  kind: 'ok' | 'error' | 'info';
  text: string;
}

interface ToastState {
  toasts: Toast[];
  push(kind: Toast['kind'], text: string): void;
  dismiss(id: number): void;
}

let nextId = 1;

export const useToasts = create<ToastState>()((set, get) => ({
  toasts: [],
  push(kind, text) {
    const id = nextId++;
    set({ toasts: [...get().toasts.slice(-4), { id, kind, text }] });
    setTimeout(() => get().dismiss(id), kind === 'error' ? 8000 : 4000);
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
}));

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
};
