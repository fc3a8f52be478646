// Every keyboard shortcut of the console in one table: the key handling (useShortcut, and the
// fields that read their keys from here) and the `?` list are both built from it, so neither can
// forget one. Pure data: no DOM, no React.

export type KeyScope = 'Anywhere' | 'Leads' | 'Search box' | 'Companies' | 'Record';

export interface KeyBinding {
  /** KeyboardEvent.key values separated by spaces ('Space' for the space bar). */
  keys: string;
  /** How the `?` list writes the keys. */
  label: string;
  description: string;
  scope: KeyScope;
  /** Handled by the focused field itself (its onKeyDown), not window-wide. */
  inField?: boolean;
  /** With Ctrl (or ⌘ on a Mac). */
  withMod?: boolean;
}

export const KEYMAP = {
  newLead: { keys: 'n', label: 'n', description: 'New lead', scope: 'Anywhere' },
  help: { keys: '?', label: '?', description: 'Show keyboard shortcuts', scope: 'Anywhere' },
  close: { keys: 'Escape', label: 'Esc', description: 'Close the open record, dialog or menu', scope: 'Anywhere' },
  goTo: { keys: '1 2 3 4 5 6', label: '1 … 6', description: 'Go to Leads, Companies, Funnel, Import, Outbox, Conflicts', scope: 'Anywhere' },
  settings: { keys: ',', label: ',', description: 'Open Settings', scope: 'Anywhere' },
  undo: { keys: 'u', label: 'u', description: 'Undo the change just made (while its toast shows)', scope: 'Anywhere' },
  search: { keys: '/', label: '/', description: 'Search leads', scope: 'Leads' },
  nextLead: { keys: 'j ArrowDown', label: 'j / ↓', description: 'Next lead', scope: 'Leads' },
  previousLead: { keys: 'k ArrowUp', label: 'k / ↑', description: 'Previous lead', scope: 'Leads' },
  openLead: { keys: 'Enter', label: 'Enter', description: 'Open the highlighted lead', scope: 'Leads' },
  selectLead: { keys: 'Space', label: 'Space', description: 'Select or unselect the highlighted lead', scope: 'Leads' },
  searchToResults: { keys: 'ArrowDown', label: '↓', description: 'From the search box to the first result', scope: 'Search box', inField: true },
  searchOpen: { keys: 'Enter', label: 'Enter', description: 'Open the highlighted (or first) result', scope: 'Search box', inField: true },
  searchLeave: { keys: 'Escape', label: 'Esc', description: 'Leave the search box for the results, keeping the search', scope: 'Search box', inField: true },
  nextCompany: { keys: 'j ArrowDown', label: 'j / ↓', description: 'Next company', scope: 'Companies' },
  previousCompany: { keys: 'k ArrowUp', label: 'k / ↑', description: 'Previous company', scope: 'Companies' },
  fieldSave: { keys: 'Enter', label: 'Enter', description: 'Save the field being edited', scope: 'Record', inField: true },
  fieldCancel: { keys: 'Escape', label: 'Esc', description: 'Cancel the edit of a field', scope: 'Record', inField: true },
  pickerMove: { keys: 'ArrowDown ArrowUp', label: '↓ / ↑', description: 'Move through the company matches', scope: 'Record', inField: true },
  pickerChoose: { keys: 'Enter', label: 'Enter', description: 'Choose the highlighted company', scope: 'Record', inField: true },
  messageSend: { keys: 'Enter', label: 'Ctrl+Enter', description: 'Send the message being written', scope: 'Record', inField: true, withMod: true },
} as const satisfies Record<string, KeyBinding>;

export type KeyAction = keyof typeof KEYMAP;

export const KEY_SCOPES: readonly KeyScope[] = ['Anywhere', 'Leads', 'Search box', 'Companies', 'Record'];

/** The KeyboardEvent.key values of a binding. */
export function keysOf(action: KeyAction): string[] {
  return KEYMAP[action].keys.split(' ').map((k) => (k === 'Space' ? ' ' : k));
}

/** Whether a key event is this binding (by key, and Ctrl/⌘ when the binding wants it). */
export function isKey(action: KeyAction, e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean }): boolean {
  const b: KeyBinding = KEYMAP[action];
  if (e.altKey || Boolean(b.withMod) !== (e.ctrlKey || e.metaKey)) return false;
  return keysOf(action).includes(e.key);
}
