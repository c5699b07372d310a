import { execFile, execFileSync } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Where a test Prosody keeps its data: Prosody's internal file storage, or
 * its SQL storage on SQLite3 (a file in the server's folder) or on
 * PostgreSQL (a database in a throwaway cluster these helpers start on a
 * free port and stop when the process exits).
 */

const run = promisify(execFile);

export type StorageBackend = 'internal' | 'sqlite' | 'postgres';

const BACKENDS: readonly StorageBackend[] = ['internal', 'sqlite', 'postgres'];

/** The backend INVITE_DESK_STORAGE names: `internal` (the default), `sqlite` or `postgres`. */
export function storageFromEnv(env: NodeJS.ProcessEnv = process.env): StorageBackend {
  const asked = env.INVITE_DESK_STORAGE ?? 'internal';
  if ((BACKENDS as readonly string[]).includes(asked)) return asked as StorageBackend;
  throw new Error(`INVITE_DESK_STORAGE is "${asked}"; it must be one of ${BACKENDS.join(', ')}`);
}

const luaString = (value: string): string => JSON.stringify(value);

/** The folder of Debian's PostgreSQL programs (initdb, pg_ctl, postgres), newest major first; undefined when not installed. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = execFileSync('ls', [root], { encoding: 'utf8' })
    .split('\n')
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a));
  return majors.map((major) => join(root, major, 'bin')).find((bin) => existsSync(join(bin, 'pg_ctl')));
}

interface Cluster {
  port: number;
  user: string;
  dir: string;
  bin: string;
  databases: number;
}

let cluster: Promise<Cluster> | undefined;

/** initdb refuses to run as root: a root test run gives the cluster to Debian's `postgres` account. */
function clusterOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = execFileSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }).trim();
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function startCluster(port: number): Promise<Cluster> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed: apt-get install postgresql lua-dbi-postgresql');
  const owner = clusterOwner();
  const dir = await mkdtemp(join(tmpdir(), 'invite-desk-postgres-'));
  if (owner) await chown(dir, owner.uid, owner.gid);
  const user = 'invite_desk';
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const data = join(dir, 'data');
  await run(join(bin, 'initdb'), ['-D', data, '-U', user, '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], { ...as, timeout: 60_000 });
  // A throwaway cluster: no fsync, and its socket in its own folder rather than the system's.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off`;
  await run(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'postgres.log'), '-w', 'start'], { ...as, timeout: 60_000 });
  process.once('exit', () => {
    // Synchronous: nothing asynchronous runs once the process is exiting.
    try {
      execFileSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop'], { ...as, stdio: 'ignore', timeout: 20_000 });
    } catch {
      // Already stopped.
    }
    execFileSync('rm', ['-rf', dir]);
  });
  return { port, user, dir, bin, databases: 0 };
}

/** The shared throwaway cluster of this process, started on first use. */
export function postgresCluster(port: number): Promise<Cluster> {
  cluster ??= startCluster(port);
  return cluster;
}

/** Stops this process's cluster now, if it runs (a test file's teardown may call it; exit does otherwise). */
export async function stopPostgresCluster(): Promise<void> {
  if (!cluster) return;
  const { bin, dir } = await cluster;
  cluster = undefined;
  const owner = clusterOwner();
  await run(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'fast', 'stop'], { ...(owner ?? {}), timeout: 30_000 }).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}

export interface StorageSetup {
  backend: StorageBackend;
  /** The config lines that point Prosody at it. */
  config: string;
  /** Lines to describe it in a failure: where its data is. */
  describe: string;
  /** Removes what it keeps outside the server's folder. */
  dispose?: () => Promise<void>;
}

/**
 * Prepares a backend for one server whose folder is `dir`, and returns its
 * config. PostgreSQL gets a fresh database in the process's cluster.
 */
export async function prepareStorage(backend: StorageBackend, dir: string, freePort: () => Promise<number>): Promise<StorageSetup> {
  switch (backend) {
    case 'internal':
      return { backend, config: 'storage = "internal"', describe: `internal storage in ${dir}/data` };
    case 'sqlite': {
      // A throwaway database needs no fsync: in memory (tmpfs) where there is one, every commit costs a fraction.
      const folder = existsSync('/dev/shm') ? await mkdtemp(join('/dev/shm', 'invite-desk-sqlite-')) : dir;
      const database = join(folder, 'prosody.sqlite');
      const setup: StorageSetup = { backend, config: `storage = "sql"\nsql = { driver = "SQLite3", database = ${luaString(database)} }`, describe: `SQLite3 in ${database}` };
      if (folder !== dir) setup.dispose = () => rm(folder, { recursive: true, force: true });
      return setup;
    }
    case 'postgres': {
      const found = await postgresCluster(await freePort());
      found.databases += 1;
      const database = `prosody_${process.pid}_${found.databases}`;
      await run('psql', ['-h', '127.0.0.1', '-p', String(found.port), '-U', found.user, '-d', 'postgres', '-q', '-c', `CREATE DATABASE ${database}`], { timeout: 30_000 });
      return {
        backend,
        config: `storage = "sql"\nsql = { driver = "PostgreSQL", database = ${luaString(database)}, username = ${luaString(found.user)}, password = "", host = ${luaString(found.dir)}, port = ${found.port} }`,
        describe: `PostgreSQL database ${database} on port ${found.port}, through its socket in ${found.dir}`,
      };
    }
  }
}

/** Why a backend cannot run here (its Lua driver or PostgreSQL's programs are missing), or undefined when it can. */
export async function storageMissing(backend: StorageBackend): Promise<string | undefined> {
  if (backend === 'internal') return undefined;
  const [driver, packages] = backend === 'sqlite' ? ['sqlite3', 'lua-dbi-sqlite3'] : ['postgresql', 'lua-dbi-postgresql postgresql'];
  // Prosody runs on Lua 5.4 on Debian 12, 0.12 and 13 alike.
  const loads = await run('lua5.4', ['-e', `require "dbd.${driver}"`]).then(() => true, () => false);
  if (!loads || (backend === 'postgres' && postgresBinDir() === undefined)) return `apt-get install ${packages}`;
  return undefined;
}
