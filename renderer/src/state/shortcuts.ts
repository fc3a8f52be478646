// Window-wide keyboard shortcuts, bound by their name in the keymap (keymap.ts says which keys and
// what for). Single keys are ignored while the user types in a field, Escape never is.
import { useEffect, useRef } from 'react';
import { keysOf, type KeyAction } from './keymap';

export function isTypingTarget(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit'].includes(el.type);
  return el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement;
}

/** Handles the keymap's `action` anywhere in the window. Return false from the handler to let the event through. */
export function useShortcut(
  action: KeyAction,
  handler: (e: KeyboardEvent) => boolean | void,
  opts: { enabled?: boolean; allowInInputs?: boolean } = {},
): void {
  const h = useRef(handler);
  h.current = handler;
  const enabled = opts.enabled ?? true;
  useEffect(() => {
    if (!enabled) return;
    const keys = keysOf(action);
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.metaKey || e.ctrlKey) return;
      if (!keys.includes(e.key)) return;
      if (!opts.allowInInputs && e.key !== 'Escape' && isTypingTarget(e.target)) return;
      // an open dialog owns the keyboard (its own Enter and Esc); window shortcuts wait
      if (document.querySelector('dialog[open]')) return;
      if (h.current(e) !== false) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [action, enabled, opts.allowInInputs]);
}
