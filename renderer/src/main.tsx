import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Client } from '../../shared/client';
import { App } from './shell/App';
import { prefetchFirstPage } from './leads/leadsLoader';
import { createAppClient } from './transport';
import './styles.css';

declare global {
  interface Window {
    /** The typed client, for scripting and end-to-end tests; it can do nothing the page cannot. */
    leadConsole?: Client;
  }
}

const client = createAppClient();
window.leadConsole = client;
// the table's first page is asked now, not after the first render: it arrives while React builds
// the screen (only when the app opens on the leads table)
if (!location.hash || location.hash.startsWith('#/leads')) prefetchFirstPage(client);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
