/**
 * The one contract between the UI and everything behind it. Every method is
 * async and takes and returns plain JSON; every call and event names the
 * server it concerns, because the app keeps one admin session per server.
 */

/** A saved server. Holds no secret: the password is only passed to `connect`. */
export interface ServerProfile {
  /** Stable id chosen when the profile is created; names the server in every call. */
  id: string;
  /** The admin account, e.g. `admin@example.org`. */
  jid: string;
  /** `host:port` for servers without DNS SRV records; empty to use the JID's domain on port 5222. */
  address?: string;
  /** Connect with TLS from the first byte (XEP-0368) instead of STARTTLS. */
  directTls?: boolean;
  /** SHA-256 fingerprint of a certificate the admin chose to trust although the system does not. */
  trustedFingerprint?: string;
}

export interface ConnectRequest {
  profile: ServerProfile;
  password: string;
}

export type ConnectionState = 'connecting' | 'online' | 'offline';

export interface ConnectionStatus {
  serverId: string;
  state: ConnectionState;
  /** Why the session is offline, for the admin. */
  reason?: string;
}

export interface AdHocCommand {
  node: string;
  name: string;
}

export type CapabilityId =
  | 'account-invites'
  | 'contact-invites'
  | 'module-list'
  | 'watch-registrations'
  | 'invite-desk'
  | 'user-admin';

export interface Capability {
  id: CapabilityId;
  label: string;
  /** `unknown` when the server does not say (its module list is not available to us). */
  state: 'available' | 'missing' | 'unknown';
  /** What the capability gives the admin. */
  description: string;
  /** The exact Prosody config that enables it, shown when it is not available. */
  enable: string;
}

export interface ServerInfo {
  serverId: string;
  /** The account the session is signed in as (full JID). */
  account: string;
  domain: string;
  software?: { name: string; version: string };
  /** The ad-hoc commands this admin may run, as the server lists them. */
  commands: AdHocCommand[];
  /** Modules loaded on the host, or null when the server does not list them. */
  modules: string[] | null;
  capabilities: Capability[];
}

/** Events pushed from the backend, keyed by name. */
export interface AdminEvents {
  'connection-status': ConnectionStatus;
}

export type AdminEventName = keyof AdminEvents;

export type Unsubscribe = () => void;

export interface AdminApi {
  listProfiles(): Promise<ServerProfile[]>;
  removeProfile(serverId: string): Promise<void>;
  /** Signs in, checks the account is an admin of the host, probes it, and saves the profile. */
  connect(request: ConnectRequest): Promise<ServerInfo>;
  disconnect(serverId: string): Promise<void>;
  serverInfo(serverId: string): Promise<ServerInfo>;
  /** Status of every server that has a session, for a UI that starts late. */
  connectionStatuses(): Promise<ConnectionStatus[]>;
  on<E extends AdminEventName>(event: E, listener: (payload: AdminEvents[E]) => void): Unsubscribe;
}

/** The request/response part of the contract: what a host must forward. */
export type AdminCalls = Omit<AdminApi, 'on'>;
export type AdminMethod = keyof AdminCalls;
