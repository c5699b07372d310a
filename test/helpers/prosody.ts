import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, mkdir, writeFile, readFile, rm } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort, listensOn, waitForPort } from './ports';
import { prepareStorage, storageFromEnv, type StorageBackend } from './storage';

/**
 * A real Prosody on 127.0.0.1 with a throwaway config, data folder,
 * self-signed certificate and free ports. Used by the integration and e2e
 * tests, the sandbox script and the demo.
 */

const run = promisify(execFile);

export interface Account {
  username: string;
  password: string;
}

/** What Debian's default config loads for invites and administration, plus sign-up notices. */
export const STOCK_MODULES = [
  'admin_adhoc',
  'invites',
  'invites_adhoc',
  'invites_register',
  'register',
  'watchregistrations',
] as const;

/** Needed for any client session at all. */
const BASE_MODULES = ['roster', 'saslauth', 'tls', 'disco', 'ping', 'adhoc', 'version'];

/** Where mod_invite_desk lives, for a `plugin_paths` entry. */
export const PROJECT_PLUGIN_PATH = resolve(import.meta.dirname, '../../prosody');

/** Prosody modules for tests only (copying stores to and from SQL, storage that yields or fails); on every test server's plugin path. */
export const TEST_PLUGIN_PATH = resolve(import.meta.dirname, '../fixtures/prosody');

/**
 * The stores tests seed and read: mod_invites' invites and mod_invite_desk's
 * own, as `mod_test_store_copy` names them (`-archive` for an archive).
 */
export const HOST_STORES = ['invite_token', 'invite_desk_ledger', 'invite_desk_policy', 'invite_desk_events-archive', 'invite_desk_activity-archive'] as const;

export type ProsodyVersion = '0.12' | '13';

/** Which Prosody the helpers start, and where its programs and community modules are. */
export interface ProsodyFlavour {
  version: ProsodyVersion;
  prosody: string;
  prosodyctl: string;
  /** Debian's prosody-modules for this version (mod_invites_page and friends). */
  moduleDir: string;
}

/** Where scripts/install-prosody-13.sh unpacks Prosody 13 beside the system's 0.12. */
const PROSODY_13_ROOT = resolve(import.meta.dirname, '../../.prosody/13');

/** The version INVITE_DESK_PROSODY names: `0.12` (the default) or `13`. */
export function prosodyVersionFromEnv(env: NodeJS.ProcessEnv = process.env): ProsodyVersion {
  const asked = env.INVITE_DESK_PROSODY ?? '0.12';
  if (asked === '0.12' || asked === '13') return asked;
  throw new Error(`INVITE_DESK_PROSODY is "${asked}"; it must be 0.12 or 13`);
}

export function isProsody13Installed(): boolean {
  return existsSync(join(PROSODY_13_ROOT, 'usr/bin/prosody'));
}

/**
 * 0.12 is Debian 12's prosody on PATH; 13 is bookworm-backports' build,
 * unpacked privately by scripts/install-prosody-13.sh.
 */
export function prosodyFlavour(version: ProsodyVersion = prosodyVersionFromEnv()): ProsodyFlavour {
  if (version === '0.12') {
    return { version, prosody: 'prosody', prosodyctl: 'prosodyctl', moduleDir: '/usr/lib/prosody/modules' };
  }
  if (!isProsody13Installed()) {
    throw new Error('Prosody 13 was asked for but is not installed here: run scripts/install-prosody-13.sh');
  }
  const bin = join(PROSODY_13_ROOT, 'usr/bin');
  return { version, prosody: join(bin, 'prosody'), prosodyctl: join(bin, 'prosodyctl'), moduleDir: join(PROSODY_13_ROOT, 'usr/lib/prosody/modules') };
}

/**
 * The prosodyctl arguments, after `--config FILE`, that mint an account invite.
 * 0.12's `mod_invites generate` is deprecated on 13 and exits 1 there; 13's
 * shell command needs mod_admin_shell in the running server.
 */
export function cliInviteArgs(version: ProsodyVersion, domain: string): string[] {
  return version === '13' ? ['shell', 'invite', 'create_account', domain] : ['mod_invites', 'generate', domain];
}

export interface ProsodyOptions {
  /** Defaults to the one INVITE_DESK_PROSODY names. */
  version?: ProsodyVersion;
  domain?: string;
  admins?: Account[];
  users?: Account[];
  /** Modules on top of the base set that every session needs. Defaults to STOCK_MODULES. */
  modules?: readonly string[];
  pluginPaths?: string[];
  /** Extra global config lines, appended verbatim. */
  extraConfig?: string;
  /** Where it keeps its data; defaults to the one INVITE_DESK_STORAGE names (internal files). */
  storage?: StorageBackend;
  /**
   * A MUC component `conference.<domain>` after the VirtualHost, with what
   * rooms for new members need on the host: PEP bookmarks that older clients
   * read too (mod_pep, mod_bookmarks, mod_private). Any local account may
   * create rooms; one made members-only stays so.
   */
  rooms?: boolean;
}

/** What a server needs to run mod_invite_desk: the stock modules, the module, and where to find it. */
export const WITH_INVITE_DESK: Required<Pick<ProsodyOptions, 'modules' | 'pluginPaths'>> = { modules: [...STOCK_MODULES, 'invite_desk'], pluginPaths: [PROJECT_PLUGIN_PATH] };

/** The host modules behind rooms for new members: XEP-0402 bookmarks in PEP, kept in step with XEP-0048 for older clients. (mod_offline, which keeps a welcome until the first sign-in, loads by itself.) */
const ROOM_MODULES = ['pep', 'bookmarks', 'private'] as const;

export interface ProsodyServer {
  readonly version: ProsodyVersion;
  readonly storage: StorageBackend;
  readonly domain: string;
  readonly host: '127.0.0.1';
  /** STARTTLS port. */
  readonly c2sPort: number;
  /** Direct TLS (XEP-0368) port. */
  readonly directTlsPort: number;
  readonly httpPort: number;
  /** The MUC component's domain, when started with `rooms`. */
  readonly conference: string | undefined;
  readonly dir: string;
  /** The host's data folder, where internal storage keeps its files. */
  readonly hostDir: string;
  readonly configPath: string;
  /** SHA-256 fingerprint of the certificate it serves now. */
  certificateFingerprint(): string;
  admins: Account[];
  users: Account[];
  adminJid(index?: number): string;
  register(account: Account): Promise<void>;
  /** Mints an account invite as an admin does on the server's shell, and returns its token. */
  createInviteWithCli(): Promise<string>;
  /** Issues a new self-signed certificate and restarts, as after a renewal. */
  replaceCertificate(): Promise<void>;
  /** Replaces the host's invite store with `count` pending invites (0 empties it), restarting around the write. */
  seedInvites(count: number): Promise<void>;
  /**
   * Stops the server, lets `write` change `stores` as internal storage's
   * files in a host data folder, and starts it again. On SQL storage the
   * stores are copied out to files first and back in after, replaced whole,
   * with Prosody's own storage drivers.
   */
  editHostData(write: (hostDir: string) => Promise<void>, stores?: readonly string[]): Promise<void>;
  /**
   * Lets `write` change `stores` while the server runs, as another process
   * would: internal storage's files in place, or on SQL storage a copy of
   * them that then replaces the stores' rows.
   */
  changeHostData(write: (hostDir: string) => Promise<void>, stores?: readonly string[]): Promise<void>;
  /** Lets `read` look at `stores` as internal storage's files while the server runs (a copy, on SQL storage). */
  readHostData<T>(read: (hostDir: string) => Promise<T>, stores?: readonly string[]): Promise<T>;
  /** Stops and starts the server, staying down for `downMs` in between. */
  restart(downMs?: number): Promise<void>;
  /** Sends a signal to the running server: SIGSTOP hangs it with its sockets open, SIGCONT wakes it. */
  signal(signal: NodeJS.Signals): void;
  stop(): Promise<void>;
  log(): Promise<string>;
}

/** A started server found one of its ports held by another process. */
class PortTaken extends Error {}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Whether Debian's Prosody is on PATH; throws, saying how to install it, when 13 is asked for but missing. */
export async function isProsodyInstalled(): Promise<boolean> {
  const { prosodyctl } = prosodyFlavour();
  try {
    await run(prosodyctl, ['about'], { timeout: 20_000 });
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

function luaString(value: string): string {
  return JSON.stringify(value);
}

function luaList(values: readonly (string | number)[]): string {
  return `{ ${values.map((v) => (typeof v === 'number' ? String(v) : luaString(v))).join(', ')} }`;
}

async function makeCertificate(dir: string, domain: string): Promise<string> {
  const crt = join(dir, `${domain}.crt`);
  await run('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30',
    '-keyout', join(dir, `${domain}.key`), '-out', crt,
    '-subj', `/CN=${domain}`, '-addext', `subjectAltName=DNS:${domain}`,
  ]);
  return new X509Certificate(await readFile(crt)).fingerprint256;
}

/**
 * Prosody's internal map-store file for `count` pending account invites, as
 * mod_invites writes them: made over the last day and valid for a week, in
 * an order that neither their tokens nor their times follow.
 */
function inviteStore(domain: string, count: number): string {
  const now = Math.floor(Date.now() / 1000);
  const entries = Array.from({ length: count }, (_, i) => {
    const token = `seed${String(i).padStart(20, '0')}`;
    const created = now - ((i * 7919) % 86_400);
    return `\t[${luaString(token)}] = { ["allow_registration"] = true; ["type"] = "register"; ["token"] = ${luaString(token)}; ` +
      `["created_at"] = ${created}; ["expires"] = ${created + 7 * 86400 + ((i * 104_729) % 3600)}; ["jid"] = ${luaString(domain)}; ` +
      `["uri"] = ${luaString(`xmpp:${domain}?register;preauth=${token}`)}; ["additional_data"] = { ["groups"] = {}; }; };`;
  });
  return `return {\n${entries.join('\n')}\n};\n`;
}

export async function startProsody(options: ProsodyOptions = {}): Promise<ProsodyServer> {
  const domain = options.domain ?? 'invite-desk.test';
  const admins = options.admins ?? [{ username: 'admin', password: 'admin-password' }];
  const users = options.users ?? [];
  const modules = [...(options.modules ?? STOCK_MODULES), ...(options.rooms ? ROOM_MODULES : [])];
  const conference = options.rooms ? `conference.${domain}` : undefined;
  const flavour = prosodyFlavour(options.version);
  // Prosody 13's invite shell commands talk to the running server through mod_admin_shell.
  const versionModules = flavour.version === '13' ? ['admin_shell'] : [];

  const dir = await mkdtemp(join(tmpdir(), 'invite-desk-prosody-'));
  const certs = join(dir, 'certs');
  const data = join(dir, 'data');
  await mkdir(certs);
  await mkdir(data);
  let fingerprint = await makeCertificate(certs, domain);
  const storage = await prepareStorage(options.storage ?? storageFromEnv(), dir, freePort);
  const configPath = join(dir, 'prosody.cfg.lua');
  let [c2sPort, directTlsPort, httpPort] = [0, 0, 0];
  const configWithPorts = (): string => [
    process.getuid?.() === 0 ? 'run_as_root = true' : '',
    'daemonize = false',
    `data_path = ${luaString(data)}`,
    `certificates = ${luaString(certs)}`,
    `log = { { levels = { min = "info" }, to = "file", filename = ${luaString(join(dir, 'prosody.log'))} } }`,
    'interfaces = { "127.0.0.1" }',
    'local_interfaces = { "127.0.0.1" }',
    `c2s_ports = { ${c2sPort} }`,
    `c2s_direct_tls_ports = { ${directTlsPort} }`,
    'http_interfaces = { "127.0.0.1" }',
    `http_ports = { ${httpPort} }`,
    'https_ports = { }',
    'modules_disabled = { "s2s" }',
    'c2s_require_encryption = true',
    'authentication = "internal_hashed"',
    storage.config,
    `admins = ${luaList(admins.map((a) => `${a.username}@${domain}`))}`,
    `plugin_paths = ${luaList([...(options.pluginPaths ?? []), TEST_PLUGIN_PATH])}`,
    `modules_enabled = ${luaList([...BASE_MODULES, ...versionModules, ...modules])}`,
    options.extraConfig ?? '',
    `VirtualHost ${luaString(domain)}`,
    conference === undefined ? '' : `Component ${luaString(conference)} "muc"\n  restrict_room_creation = false\n  muc_room_default_persistent = true`,
    '',
  ].join('\n');

  const choosePorts = async (): Promise<void> => {
    [c2sPort, directTlsPort, httpPort] = [await freePort(), await freePort(), await freePort()];
    await writeFile(configPath, configWithPorts());
  };
  await choosePorts();

  const prosodyctl = async (...args: string[]): Promise<string> =>
    (await run(flavour.prosodyctl, ['--config', configPath, ...args], { timeout: 30_000 })).stdout;

  const register = async (account: Account): Promise<void> => {
    await prosodyctl('register', account.username, domain, account.password);
  };
  if (storage.backend === 'internal') {
    await Promise.all([...admins, ...users].map(register));
  } else {
    // Each prosodyctl opens the database itself: SQLite refuses a second writer at once.
    for (const account of [...admins, ...users]) await register(account);
  }

  const readLog = (): Promise<string> => readFile(join(dir, 'prosody.log'), 'utf8').catch(() => '');
  let child: ChildProcess | null = null;
  const launch = async (): Promise<void> => {
    const proc = spawn(flavour.prosody, ['--config', configPath, '-F'], { stdio: 'ignore' });
    child = proc;
    running.add(proc);
    proc.once('exit', () => running.delete(proc));
    await waitForPort(c2sPort, proc, 20_000);
    await waitForPort(directTlsPort, proc, 20_000);
    const own = proc.pid !== undefined && (await listensOn(proc.pid, c2sPort)) && (await listensOn(proc.pid, directTlsPort));
    if (!own || (await readLog()).includes('Failed to open server port')) {
      throw new PortTaken(`another process took one of the ports ${c2sPort}, ${directTlsPort} and ${httpPort} before prosody could listen`);
    }
  };
  const halt = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((done) => proc.once('exit', () => done()));
    proc.kill('SIGTERM');
    const killer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  };

  // Ports taken by another process in the meantime are chosen again, a few times.
  for (let attempt = 1; ; attempt++) {
    try {
      await launch();
      break;
    } catch (error) {
      const log = await readLog();
      await halt();
      if (error instanceof PortTaken && attempt < 3) {
        await rm(join(dir, 'prosody.log'), { force: true });
        await choosePorts();
        continue;
      }
      await rm(dir, { recursive: true, force: true });
      throw new Error(`${(error as Error).message} (${storage.describe})\n--- prosody log ---\n${log}`, { cause: error });
    }
  }

  // Prosody's data folder names escape dots and other punctuation as %2e and so on.
  const hostFolder = (dataPath: string): string => join(dataPath, encodeURIComponent(domain).replace(/[.-]/g, (c) => `%${c.charCodeAt(0).toString(16)}`));
  const hostDir = hostFolder(data);
  // A copy runs Prosody's drivers item by item: tens of thousands of archive items take a while.
  const copyStores = (direction: 'import' | 'export', folder: string, stores: readonly string[]): Promise<unknown> =>
    run(flavour.prosodyctl, ['--config', configPath, 'mod_test_store_copy', direction, domain, folder, ...stores], { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });
  /** A fresh folder of internal storage's files holding `stores` as the server's SQL storage has them now. */
  const exportStores = async (name: string, stores: readonly string[]): Promise<string> => {
    const folder = join(dir, name);
    await rm(folder, { recursive: true, force: true });
    await mkdir(folder);
    await copyStores('export', folder, stores);
    return folder;
  };
  const editHostData = async (write: (hostDir: string) => Promise<void>, stores: readonly string[] = HOST_STORES): Promise<void> => {
    await halt();
    if (storage.backend === 'internal') {
      await mkdir(hostDir, { recursive: true });
      await write(hostDir);
    } else {
      const folder = await exportStores('edited-stores', stores);
      await mkdir(hostFolder(folder), { recursive: true });
      await write(hostFolder(folder));
      await copyStores('import', folder, stores);
    }
    await launch();
  };
  const changeHostData = async (write: (hostDir: string) => Promise<void>, stores: readonly string[] = HOST_STORES): Promise<void> => {
    if (storage.backend === 'internal') return write(hostDir);
    const folder = await exportStores('changed-stores', stores);
    await mkdir(hostFolder(folder), { recursive: true });
    await write(hostFolder(folder));
    await copyStores('import', folder, stores);
  };
  const readHostData = async <T>(read: (hostDir: string) => Promise<T>, stores: readonly string[] = HOST_STORES): Promise<T> => {
    if (storage.backend === 'internal') return read(hostDir);
    const folder = await exportStores('read-stores', stores);
    await mkdir(hostFolder(folder), { recursive: true });
    return read(hostFolder(folder));
  };

  return {
    version: flavour.version,
    storage: storage.backend,
    domain,
    host: '127.0.0.1',
    c2sPort,
    directTlsPort,
    httpPort,
    conference,
    dir,
    hostDir,
    configPath,
    admins,
    users,
    certificateFingerprint: () => fingerprint,
    adminJid: (index = 0) => `${admins[index]?.username}@${domain}`,
    register,
    async createInviteWithCli() {
      const printed = await prosodyctl(...cliInviteArgs(flavour.version, domain));
      // An xmpp: URI (`…;preauth=TOKEN`), or on 13 with mod_invites_page its landing page (`…/invites_page?TOKEN`).
      const token = /(?:preauth=|invites_page\?)([A-Za-z0-9_-]+)/.exec(printed)?.[1];
      if (token === undefined) throw new Error(`prosodyctl printed no invite: ${printed}`);
      return token;
    },
    async replaceCertificate() {
      fingerprint = await makeCertificate(certs, domain);
      await halt();
      await launch();
    },
    async restart(downMs = 0) {
      await halt();
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      await launch();
    },
    signal(signal) {
      const proc = child;
      if (!proc || proc.exitCode !== null) throw new Error('prosody is not running');
      proc.kill(signal);
    },
    seedInvites: (count) => editHostData((hostDir) => writeFile(join(hostDir, 'invite_token.dat'), inviteStore(domain, count))),
    editHostData,
    changeHostData,
    readHostData,
    async stop() {
      await halt();
      if (!process.env.INVITE_DESK_KEEP_SERVERS) {
        await rm(dir, { recursive: true, force: true });
        await storage.dispose?.();
      }
    },
    log: readLog,
  };
}
