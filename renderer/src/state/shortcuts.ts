// Global keyboard shortcuts. Screens register what they handle (with a description for the `?`
// list); single keys are ignored while the user types in a field, Escape never is.
import { useEffect, useRef } from 'react';
import { create } from 'zustand';

export interface ShortcutInfo {
  keys: string;
  description: string;
}

interface Registered extends ShortcutInfo {
  id: number;
}

export const useShortcutList = create<{ list: Registered[] }>()(() => ({ list: [] }));
let seq = 0;

export function isTypingTarget(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit'].includes(el.type);
  return el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement;
}

/**
 * Handles `key` (KeyboardEvent.key, or 'Space'; several separated by spaces, e.g. "j ArrowDown") anywhere
 * in the window. Return false from the handler to let the event through.
 */
export function useShortcut(
  key: string,
  handler: (e: KeyboardEvent) => boolean | void,
  info: { description?: string; label?: string; enabled?: boolean; allowInInputs?: boolean } = {},
): void {
  const h = useRef(handler);
  h.current = handler;
  const enabled = info.enabled ?? true;
  useEffect(() => {
    if (!enabled) return;
    // keys are separated by spaces, so the space bar itself is written 'Space'
    const keys = key.split(' ').map((k) => (k === 'Space' ? ' ' : k));
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.metaKey || e.ctrlKey) return;
      if (!keys.includes(e.key)) return;
      if (!info.allowInInputs && e.key !== 'Escape' && isTypingTarget(e.target)) return;
      // an open dialog owns the keyboard (its own Enter and Esc); window shortcuts wait
      if (document.querySelector('dialog[open]')) return;
      if (h.current(e) !== false) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    let id = 0;
    if (info.description) {
      id = ++seq;
      const entry = { id, keys: info.label ?? key, description: info.description };
      useShortcutList.setState((s) => ({ list: [...s.list.filter((x) => x.keys !== entry.keys), entry] }));
    }
    return () => {
      window.removeEventListener('keydown', onKey);
      if (id) useShortcutList.setState((s) => ({ list: s.list.filter((x) => x.id !== id) }));
    };
  }, [key, enabled, info.description, info.label, info.allowInInputs]);
}
