import type { AdminApi, AdminEvents, ConnectionStatus, ConnectRequest, ServerInfo, ServerProfile } from '../../common/api';
import { AdminError } from '../../common/errors';
import { createEventHub } from '../../common/event-hub';
import { AdminSession, DEFAULT_TIMEOUTS, type SessionTimeouts } from './admin-session';
import type { ProfileStore } from './settings/profile-store';

export interface AdminServiceOptions {
  profiles: ProfileStore;
  timeouts?: Partial<SessionTimeouts>;
}

/**
 * The backend behind `AdminApi`: one admin session per server, all open at
 * once. Plain Node; both hosts (Electron and the browser preview) wrap it.
 */
export class AdminService implements AdminApi {
  private readonly sessions = new Map<string, AdminSession>();
  private readonly events = createEventHub<AdminEvents>();
  private readonly profiles: ProfileStore;
  private readonly timeouts: SessionTimeouts;

  constructor(options: AdminServiceOptions) {
    this.profiles = options.profiles;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  }

  on: AdminApi['on'] = (event, listener) => this.events.on(event, listener);

  listProfiles(): Promise<ServerProfile[]> {
    return this.profiles.list();
  }

  async removeProfile(serverId: string): Promise<void> {
    await this.disconnect(serverId);
    this.sessions.delete(serverId);
    await this.profiles.remove(serverId);
  }

  async connect({ profile, password }: ConnectRequest): Promise<ServerInfo> {
    const previous = this.sessions.get(profile.id);
    if (previous) await previous.close('Reconnecting with new settings.');
    const session = new AdminSession(profile, password, (status) => this.events.emit('connection-status', status), this.timeouts);
    this.sessions.set(profile.id, session);
    const info = await session.open();
    // Saved only once the server accepted it, so a typo never becomes a profile.
    await this.profiles.save(profile);
    return info;
  }

  async disconnect(serverId: string): Promise<void> {
    const session = this.sessions.get(serverId);
    if (session && session.state !== 'offline') await session.close();
  }

  serverInfo(serverId: string): Promise<ServerInfo> {
    const info = this.sessions.get(serverId)?.info;
    if (!info) return Promise.reject(new AdminError('not-connected', 'This server is not connected. Connect to it to see what it offers.'));
    return Promise.resolve(info);
  }

  connectionStatuses(): Promise<ConnectionStatus[]> {
    return Promise.resolve([...this.sessions.values()].map((s) => s.status));
  }

  /** Ends every session, for when the host shuts down. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.close('Invite Desk is closing.')));
  }
}
