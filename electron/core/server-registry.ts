import type { AdminActivity, ConnectionStatus, JoinRequest, JoinRequestsChange, PolicyChange, Registration, ServerInfo, ServerProfile } from '../../common/api';
import { AdminError } from '../../common/errors';
import { AdminSession, SessionMemory, type SessionTimeouts } from './admin-session';
import type { CredentialStore } from './settings/credential-store';
import type { ServerRecords } from './settings/server-records';
import type { ServerRecord } from './settings/settings-document';
import type { SaltedCredentials } from './xmpp/scram-client';

/** How long a new cursor or unread count may wait before it is written: one write for a burst of sign-ups. */
const STATE_WRITE_DELAY_MS = 500;

type RequestsSeen = NonNullable<ServerRecord['requestsSeen']>;

/** What the registry tells the service about its servers. */
export interface RegistryEvents {
  status(status: ConnectionStatus): void;
  registration(registration: Registration): void;
  policy(change: PolicyChange): void;
  activity(entry: AdminActivity): void;
  requests(change: JoinRequestsChange): void;
}

/**
 * Everything the backend holds about one server while the app runs: its
 * session, what the session remembers across reconnects, the sign-in in
 * flight, and whether the server was removed meanwhile.
 */
class ServerConnection {
  readonly serverId: string;
  readonly memory: SessionMemory;
  session: AdminSession | null = null;
  attempt: Promise<ServerInfo> | null = null;
  removed = false;
  /** Sign-ups not yet seen in the server's feed. */
  unread: number;
  /** The newest requests to join the admin was told of, kept across restarts. */
  requestsSeen: RequestsSeen | undefined;
  /** Requests to join the admin was told of while the app runs. */
  readonly toldOf = new Set<string>();
  /** The cursor, count and newest request last written to the server's record. */
  stored: { cursor: string | undefined; unread: number; requestsSeen: RequestsSeen | undefined };
  stateTimer: NodeJS.Timeout | null = null;

  constructor(serverId: string, cursor: string | undefined, unread: number, requestsSeen: RequestsSeen | undefined) {
    this.serverId = serverId;
    this.unread = unread;
    this.requestsSeen = requestsSeen;
    this.stored = { cursor, unread, requestsSeen };
    this.memory = new SessionMemory(cursor);
  }

  /**
   * How many of the requests in `change` the admin has not been told of: a
   * live one always, a listed one when it is newer than the newest told of
   * before (so after a restart only those made while the app was closed count).
   */
  tellOf(change: Pick<JoinRequestsChange, 'list' | 'added'>): number {
    const seen = this.requestsSeen ?? { time: '', jids: [] };
    const newer = (r: JoinRequest): boolean => r.time > seen.time || (r.time === seen.time && !seen.jids.includes(r.jid));
    const fresh = [...(change.list ?? []).filter(newer), ...(change.added ?? [])].filter((r) => !this.toldOf.has(r.jid));
    let newest = seen;
    for (const request of [...(change.list ?? []), ...(change.added ?? [])]) {
      this.toldOf.add(request.jid);
      if (request.time > newest.time) newest = { time: request.time, jids: [request.jid] };
      else if (request.time === newest.time && !newest.jids.includes(request.jid) && newest.jids.length < 1000) newest = { ...newest, jids: [...newest.jids, request.jid] };
    }
    this.requestsSeen = newest.time === '' ? undefined : newest;
    return fresh.length;
  }
}

/**
 * The one owner of every server's connection, keyed by server id. A sign-in
 * in flight is shared: a second connect to the same server joins it. A server
 * not saved yet is a candidate: it is saved, together with its sign-in keys,
 * only once sign-in and the admin check succeeded, and a failed candidate
 * leaves nothing behind. Removing a server ends its session, stops its
 * events and deletes its record and keys.
 */
export class ServerRegistry {
  private readonly connections = new Map<string, ServerConnection>();
  private readonly records: ServerRecords;
  private readonly credentials: CredentialStore;
  private readonly timeouts: SessionTimeouts;
  private readonly events: RegistryEvents;

  constructor(records: ServerRecords, credentials: CredentialStore, timeouts: SessionTimeouts, events: RegistryEvents) {
    this.records = records;
    this.credentials = credentials;
    this.timeouts = timeouts;
    this.events = events;
  }

  connect(profile: ServerProfile, password: string | undefined): Promise<ServerInfo> {
    const connection = this.connectionOf(profile.id);
    if (connection.attempt) return connection.attempt;
    const attempt = this.signIn(connection, profile, password).finally(() => {
      connection.attempt = null;
    });
    connection.attempt = attempt;
    return attempt;
  }

  async disconnect(serverId: string): Promise<void> {
    const connection = this.connections.get(serverId);
    if (!connection?.session) return;
    if (connection.session.state !== 'offline') await connection.session.close();
    this.writeState(connection);
  }

  /** Sign-ups of a saved server not yet seen, whether or not it is connected now. */
  unread(serverId: string): number {
    return this.connections.get(serverId)?.unread ?? this.records.find(serverId)?.unread ?? 0;
  }

  markRead(serverId: string): void {
    const connection = this.connections.get(serverId);
    if (connection) {
      connection.unread = 0;
      this.writeState(connection);
    } else if (this.records.find(serverId)?.unread) {
      this.records.change(serverId, (record) => {
        delete record.unread;
      });
    }
  }

  async remove(serverId: string): Promise<void> {
    const connection = this.connections.get(serverId);
    if (connection) {
      connection.removed = true;
      if (connection.stateTimer) clearTimeout(connection.stateTimer);
      this.connections.delete(serverId);
      await connection.session?.close('This server was removed.');
    }
    await this.credentials.delete(serverId);
    this.records.remove(serverId);
  }

  /** The session of a server, or `not-connected`. */
  /** The session of a server, if it has one (connected or not). */
  find(serverId: string): AdminSession | null {
    return this.connections.get(serverId)?.session ?? null;
  }

  session(serverId: string): AdminSession {
    const session = this.find(serverId);
    if (!session) throw new AdminError('not-connected', 'This server is not connected. Connect to it first.');
    return session;
  }

  /** Each server's status and, while it is connected, what it offers. */
  snapshot(): { status: ConnectionStatus; info: ServerInfo | null }[] {
    return [...this.connections.values()].flatMap((connection) => (connection.session ? [{ status: connection.session.status, info: connection.session.info }] : []));
  }

  statuses(): ConnectionStatus[] {
    return [...this.connections.values()].flatMap((connection) => (connection.session ? [connection.session.status] : []));
  }

  /** Ends every session and writes every cursor, for when the host shuts down. */
  async closeAll(): Promise<void> {
    await Promise.all(
      [...this.connections.values()].map(async (connection) => {
        await connection.session?.close('Invite Desk is closing.');
        this.writeState(connection);
      }),
    );
  }

  private connectionOf(serverId: string): ServerConnection {
    let connection = this.connections.get(serverId);
    if (!connection) {
      const record = this.records.find(serverId);
      connection = new ServerConnection(serverId, record?.cursor, record?.unread ?? 0, record?.requestsSeen);
      this.connections.set(serverId, connection);
    }
    return connection;
  }

  private async signIn(connection: ServerConnection, profile: ServerProfile, password: string | undefined): Promise<ServerInfo> {
    const saved = password === undefined ? await this.credentials.get(profile.id) : undefined;
    if (password === undefined && saved === undefined) {
      this.forgetCandidate(connection);
      throw new AdminError('password-required', `Enter the password for ${profile.jid}: Invite Desk has no saved sign-in for it.`);
    }
    await connection.session?.close('Reconnecting with new settings.');
    const secret = saved === undefined ? { password: password ?? '' } : { salted: saved };
    // Kept in memory until the server has accepted the account as an admin: a refused account's keys are never sealed.
    let keys: SaltedCredentials | undefined;
    let accepted = false;
    const session = new AdminSession(
      profile,
      secret,
      {
        // A removed server says nothing more.
        status: (status) => {
          if (!connection.removed) this.events.status(status);
        },
        registration: (registration) => {
          if (connection.removed) return;
          this.events.registration(registration);
          connection.unread++;
          this.writeStateSoon(connection);
        },
        policy: (change) => {
          if (!connection.removed) this.events.policy(change);
        },
        activity: (entry) => {
          if (!connection.removed) this.events.activity(entry);
        },
        requests: (change) => {
          if (connection.removed) return;
          this.events.requests({ ...change, unseen: connection.tellOf(change) });
          this.writeStateSoon(connection);
        },
        credentials: (credentials) => {
          keys = credentials;
          // A failed write only means the password is asked for next time.
          if (accepted && !connection.removed) void this.credentials.set(profile.id, credentials).catch(() => undefined);
        },
      },
      this.timeouts,
      connection.memory,
    );
    connection.session = session;
    const removedMeanwhile = (): AdminError => new AdminError('not-connected', 'This server was removed while Invite Desk was signing in to it.');
    // Read through a function: a removal can come at any await.
    const removed = (): boolean => connection.removed;
    try {
      const info = await session.open();
      if (removed()) {
        await session.close('This server was removed.');
        throw removedMeanwhile();
      }
      accepted = true;
      if (keys) await this.credentials.set(profile.id, keys).catch(() => undefined);
      if (removed()) {
        // Removed while its keys were being sealed: the removal deleted them before they were written.
        await this.credentials.delete(profile.id).catch(() => undefined);
        throw removedMeanwhile();
      }
      // Saved only once the server accepted it, so a typo never becomes a saved server.
      this.records.saveProfile(profile);
      this.writeState(connection);
      return info;
    } catch (error) {
      // Saved keys the server no longer takes are useless: forget them so the UI asks for the password.
      if (error instanceof AdminError && error.code === 'password-required') await this.credentials.delete(profile.id);
      this.forgetCandidate(connection);
      throw connection.removed ? removedMeanwhile() : error;
    }
  }

  /** A server that is not saved leaves nothing behind when its sign-in fails. */
  private forgetCandidate(connection: ServerConnection): void {
    if (this.records.find(connection.serverId)) return;
    if (this.connections.get(connection.serverId) === connection) this.connections.delete(connection.serverId);
  }

  private writeStateSoon(connection: ServerConnection): void {
    if (connection.stateTimer) return;
    connection.stateTimer = setTimeout(() => {
      connection.stateTimer = null;
      this.writeState(connection);
    }, STATE_WRITE_DELAY_MS);
    connection.stateTimer.unref();
  }

  /** Writes where catch-up resumes and how many sign-ups are unread, so that a restart neither repeats nor forgets them. */
  private writeState(connection: ServerConnection): void {
    if (connection.stateTimer) clearTimeout(connection.stateTimer);
    connection.stateTimer = null;
    const { cursor } = connection.memory;
    const { unread, requestsSeen } = connection;
    const { stored } = connection;
    const unchanged = cursor === stored.cursor && unread === stored.unread && requestsSeen === stored.requestsSeen;
    if (connection.removed || unchanged || !this.records.find(connection.serverId)) return;
    this.records.change(connection.serverId, (record) => {
      if (cursor === undefined) delete record.cursor;
      else record.cursor = cursor;
      if (unread === 0) delete record.unread;
      else record.unread = unread;
      if (requestsSeen !== undefined) record.requestsSeen = requestsSeen;
    });
    connection.stored = { cursor, unread, requestsSeen };
  }
}
