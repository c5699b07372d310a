import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionStatus, ServerProfile } from '../../common/api';
import { AdminError, type AdminErrorShape } from '../../common/errors';
import { AdminService } from '../../electron/core/admin-service';
import { JsonFileProfileStore } from '../../electron/core/settings/profile-store';
import type { Account, ProsodyServer } from './prosody';

/** An AdminService over a real profile file in a temporary folder, recording every status event. */
export async function createTestService(): Promise<{
  service: AdminService;
  statuses: ConnectionStatus[];
  profilesPath: string;
  dispose(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'invite-desk-home-'));
  const profilesPath = join(dir, 'profiles.json');
  const service = new AdminService({ profiles: new JsonFileProfileStore(profilesPath), timeouts: { connectMs: 30_000, requestMs: 15_000 } });
  const statuses: ConnectionStatus[] = [];
  service.on('connection-status', (s) => statuses.push(s));
  return {
    service,
    statuses,
    profilesPath,
    async dispose() {
      await service.shutdown();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function profileFor(server: ProsodyServer, account: Account, overrides: Partial<ServerProfile> = {}): ServerProfile {
  return {
    id: `${server.domain.replace(/[^A-Za-z0-9]/g, '-')}-${account.username}`,
    jid: `${account.username}@${server.domain}`,
    address: `${server.host}:${server.c2sPort}`,
    trustedFingerprint: server.certificateFingerprint(),
    ...overrides,
  };
}

/** Runs `work`, which must fail with an AdminError; returns that error's shape. */
export async function expectAdminError(work: Promise<unknown>): Promise<AdminErrorShape> {
  try {
    await work;
  } catch (error) {
    if (error instanceof AdminError) return error.toJSON();
    throw new Error(`expected an AdminError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the call to fail, but it succeeded');
}
