// Asks the engine, while the user types, which existing contacts a new lead would duplicate.
// Debounced so a fast typist does not send a query per key, and every answer is tagged with the
// values it was asked for: an answer for text that has since changed is never shown.
import { useEffect, useRef, useState } from 'react';
import type { MethodOutput } from '../../../shared/api';
import { useClient } from '../state/ClientContext';

type Found = MethodOutput<'contacts.findMatches'>;

export interface Matches {
  /** Contacts that already have this email (allowed: Intercom allows duplicates). */
  email: Found['email'];
  /** The contact that owns this visitor id (saving would be refused). */
  visitorId: Found['visitorId'];
}

const NONE: Matches = { email: [], visitorId: null };

export function useMatches(query: { email: string | null; visitorId: string | null }, delay = 150): Matches {
  const client = useClient();
  const [answer, setAnswer] = useState<{ email: string | null; visitorId: string | null; found: Found } | null>(null);
  const latest = useRef(0);

  useEffect(() => {
    const ask = ++latest.current;
    if (!query.email && !query.visitorId) return;
    const timer = setTimeout(() => {
      const input = { ...(query.email ? { email: query.email } : {}), ...(query.visitorId ? { visitorId: query.visitorId } : {}) };
      client.call('contacts.findMatches', input).then(
        (found) => {
          // a later keystroke asked again meanwhile: this answer is stale, drop it
          if (ask === latest.current) setAnswer({ ...query, found });
        },
        // the warning is advice only; if the engine cannot answer, saving still checks for real
        () => undefined,
      );
    }, delay);
    return () => clearTimeout(timer);
    // the query's parts are the real dependencies; the object itself is new on every render
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, query.email, query.visitorId, delay]);

  if (!answer) return NONE;
  // show each part only while the field still holds what was asked about
  return {
    email: query.email && answer.email === query.email ? answer.found.email : [],
    visitorId: query.visitorId && answer.visitorId === query.visitorId ? answer.found.visitorId : null,
  };
}
