// The root: the client for every screen, and the frame.
import type { Client } from '../../../shared/client';
import { ClientProvider } from '../state/ClientContext';
import { Frame } from './Frame';

export function App({ client }: { client: Client }) {
  return (
    <ClientProvider client={client}>
      <Frame />
    </ClientProvider>
  );
}
