import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isToastShown, toast, useToasts } from '../../renderer/src/state/toastStore';

describe('toast store', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    for (const t of useToasts.getState().toasts) useToasts.getState().dismiss(t.id);
  });
  afterEach(() => vi.useRealTimers());

  it('replaces a toast with the same id where it stands, instead of adding one', () => {
    toast.ok('first');
    toast.show({ id: 'message:1', kind: 'info', text: 'sending in 10 s', sticky: true });
    toast.ok('third');
    toast.show({ id: 'message:1', kind: 'ok', text: 'sent' });
    expect(useToasts.getState().toasts.map((t) => t.text)).toEqual(['first', 'sent', 'third']);
  });

  it('keeps a sticky toast while its subject is under way, and lets it go once settled', () => {
    toast.show({ id: 'm', kind: 'info', text: 'waits', sticky: true });
    toast.ok('plain');
    vi.advanceTimersByTime(10_000);
    expect(isToastShown('m')).toBe(true);
    expect(useToasts.getState().toasts.map((t) => t.text)).toEqual(['waits']);
    toast.show({ id: 'm', kind: 'ok', text: 'sent' });
    vi.advanceTimersByTime(3_900);
    expect(isToastShown('m')).toBe(true);
    vi.advanceTimersByTime(200);
    expect(isToastShown('m')).toBe(false);
  });

  it('an update restarts the timer: the replaced toast does not take the new one with it', () => {
    toast.show({ id: 'x', kind: 'ok', text: 'one' });
    vi.advanceTimersByTime(3_000);
    toast.show({ id: 'x', kind: 'ok', text: 'two' });
    vi.advanceTimersByTime(3_000);
    expect(useToasts.getState().toasts.map((t) => t.text)).toEqual(['two']);
  });

  it('push keeps working as before, each call a new toast', () => {
    useToasts.getState().push('error', 'a');
    useToasts.getState().push('error', 'a');
    expect(useToasts.getState().toasts).toHaveLength(2);
  });
});
