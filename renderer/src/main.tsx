import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Client } from '../../shared/client';
import { App } from './App';
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

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
