// Pushed events fan-out: services emit after their transaction commits; transports (IPC, SSE,
// tests) subscribe. One hub per core, no globals.
import type { EventName, EventPayload } from '../../shared/api';

export type EventListener = (name: EventName, payload: unknown) => void;

export class EventHub {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const l of [...this.listeners]) {
      try {
        l(name, payload);
      } catch {
        // a broken subscriber (a closed window, a dropped stream) must not break the others
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}
