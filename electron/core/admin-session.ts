import { randomBytes } from 'node:crypto';
import type { ConnectionState, ConnectionStatus, ServerInfo, ServerProfile } from '../../common/api';
import { parseAccountJid, resolveServerAddress } from '../../common/address';
import { AdminError } from '../../common/errors';
import { describeCapabilities, isAdminCommandSet, NODES } from './capabilities';
import { describeConnectError, describeRequestError } from './error-messages';
import { executeCommand } from './xmpp/adhoc';
import { createXmppClient, type XmppClient } from './xmpp/client';
import { listCommands, softwareVersion } from './xmpp/disco';

export interface SessionTimeouts {
  /** From dialling to a bound, probed session. */
  connectMs: number;
  /** For each iq once the session is up. */
  requestMs: number;
}

export const DEFAULT_TIMEOUTS: SessionTimeouts = { connectMs: 20_000, requestMs: 15_000 };

/**
 * One admin session to one server: sign in, prove the account is an admin of
 * the host, probe what the server offers, and report every change of state.
 */
export class AdminSession {
  readonly profile: ServerProfile;
  private readonly password: string;
  private readonly timeouts: SessionTimeouts;
  private readonly report: (status: ConnectionStatus) => void;
  private client: XmppClient | null = null;
  private closing = false;
  state: ConnectionState = 'offline';
  info: ServerInfo | null = null;

  constructor(profile: ServerProfile, password: string, report: (status: ConnectionStatus) => void, timeouts: SessionTimeouts) {
    this.profile = profile;
    this.password = password;
    this.report = report;
    this.timeouts = timeouts;
  }

  get status(): ConnectionStatus {
    return { serverId: this.profile.id, state: this.state };
  }

  async open(): Promise<ServerInfo> {
    const jid = parseAccountJid(this.profile.jid);
    if (!jid) throw new AdminError('invalid-input', `"${this.profile.jid}" is not an account address. Enter it as name@example.org.`);
    const address = resolveServerAddress(jid, this.profile.address);
    if (!address) throw new AdminError('invalid-input', `"${this.profile.address}" is not a server address. Enter it as host or host:port.`);
    const context = { account: `${jid.local}@${jid.domain}`, domain: jid.domain, address: `${address.host}:${address.port}` };

    this.setState('connecting');
    const client = createXmppClient({
      host: address.host,
      port: address.port,
      directTls: this.profile.directTls === true,
      domain: jid.domain,
      username: jid.local,
      password: this.password,
      resource: `invite-desk-${randomBytes(4).toString('hex')}`,
      trustedFingerprint: this.profile.trustedFingerprint,
      streamTimeoutMs: this.timeouts.requestMs,
    });
    this.client = client;
    // xmpp.js requires an error listener; failures reach the caller through start() or the status events.
    client.entity.on('error', () => undefined);
    client.entity.on('status', (status: string) => {
      if (status === 'disconnect' && this.state === 'online' && !this.closing) {
        this.setState('offline', `The connection to ${context.domain} was lost.`);
      }
    });

    try {
      await withDeadline(client.entity.start(), this.timeouts.connectMs, () => new AdminError('timeout', `${context.address} did not finish signing in within ${Math.round(this.timeouts.connectMs / 1000)} s. Check the address, and that Prosody is running.`));
    } catch (error) {
      const failure = describeConnectError(error, context);
      await this.shutDown(failure.message);
      throw failure;
    }

    try {
      this.info = await this.probe(context.account, jid.domain);
    } catch (error) {
      const failure = describeRequestError(error, 'checking what the server offers');
      await this.shutDown(failure.message);
      throw failure;
    }
    this.setState('online');
    return this.info;
  }

  async close(reason = 'Disconnected.'): Promise<void> {
    await this.shutDown(reason);
  }

  private async probe(account: string, domain: string): Promise<ServerInfo> {
    const client = this.requireClient();
    const timeout = this.timeouts.requestMs;
    const commands = await listCommands(client.iqCaller, domain, timeout).catch((error: unknown) => {
      throw describeRequestError(error, 'listing the ad-hoc commands');
    });
    if (!isAdminCommandSet(commands)) {
      throw new AdminError(
        'not-admin',
        `${account} is not an administrator of ${domain}, so Invite Desk cannot manage it. ` +
          `Add it to admins in the Prosody config (admins = { "${account}" }) and restart Prosody, or sign in with an admin account.`,
      );
    }
    const modules = commands.some((c) => c.node === NODES.listModules)
      ? (await executeCommand(client.iqCaller, domain, NODES.listModules, timeout)).fields.get('modules')?.flatMap((v) => v.split('\n')).map((m) => m.trim()).filter((m) => m !== '') ?? []
      : null;
    const software = await softwareVersion(client.iqCaller, domain, timeout).catch(() => undefined);
    const info: ServerInfo = {
      serverId: this.profile.id,
      account: client.entity.jid?.toString() ?? account,
      domain,
      commands,
      modules: modules === null ? null : [...new Set(modules)].sort(),
      capabilities: describeCapabilities(commands, modules),
    };
    if (software) info.software = software;
    return info;
  }

  private requireClient(): XmppClient {
    if (!this.client) throw new AdminError('not-connected', 'This server is not connected. Connect to it first.');
    return this.client;
  }

  private async shutDown(reason: string): Promise<void> {
    const client = this.client;
    this.client = null;
    this.closing = true;
    if (client) {
      try {
        await withDeadline(client.entity.stop(), 5_000, () => new Error('stop timed out'));
      } catch {
        // The stream could not close politely; drop the socket so nothing lingers.
        (client.entity.socket as unknown as { socket?: { destroy(): void } } | null)?.socket?.destroy();
      }
    }
    this.info = null;
    this.setState('offline', reason);
  }

  private setState(state: ConnectionState, reason?: string): void {
    this.state = state;
    this.report(reason === undefined ? { serverId: this.profile.id, state } : { serverId: this.profile.id, state, reason });
  }
}

function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
