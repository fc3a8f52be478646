// The team (the workspace's admins, as the last sync read them) and who I am, for every screen that
// names or picks an owner. One copy for the window, loaded on first use and again when a sync ends
// or who I am changes. Types only from the shared schemas (zod stays out of the start-up bundle).
import { useEffect } from 'react';
import { create } from 'zustand';
import type { MethodOutput } from '../../../shared/api';
import type { Admin } from '../../../shared/domain';
import type { Client } from '../../../shared/client';
import { useClient } from './ClientContext';
import { useSyncMoved } from './syncStore';
import { useChanged } from './useChanged';

type Me = MethodOutput<'admins.list'>['me'];

interface TeamState {
  admins: Admin[];
  me: Me;
  loaded: boolean;
}

export const useTeam = create<TeamState>()(() => ({ admins: [], me: null, loaded: false }));

let askSeq = 0;

/** Asks the team again; a slower earlier answer never replaces a later one. */
export async function reloadTeam(client: Client): Promise<void> {
  const seq = ++askSeq;
  try {
    const { items, me } = await client.call('admins.list', {});
    if (seq === askSeq) useTeam.setState({ admins: items, me, loaded: true });
  } catch {
    // the owner pickers stay as they were; the next sync asks again
  }
}

/** Keeps the team fresh while the calling screen is shown. */
export function useTeamFeed(): void {
  const client = useClient();
  const moved = useSyncMoved();
  useEffect(() => {
    void reloadTeam(client);
  }, [client, moved]);
  useChanged(['segment'], () => void reloadTeam(client));
}

/** How an owner reads: the admin's name (else email), "(me)" after mine; an id the team no longer has stays an id. */
export function ownerName(id: string | null, team: Pick<TeamState, 'admins' | 'me'> = useTeam.getState()): string {
  if (id === null) return '';
  const a = team.admins.find((x) => x.id === id);
  const name = a ? (a.name ?? a.email ?? id) : `Admin ${id}`;
  return team.me?.adminId === id ? `${name} (me)` : name;
}
