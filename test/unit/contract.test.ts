import { describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_EVENTS, ADMIN_METHODS, type CallEnvelope } from '../../common/contract';
import { createAdminApi } from '../../common/bridge';
import { callArgumentSchemas } from '../../common/schemas';
import { ipcChannelFor } from '../../common/ipc';
import { createAdminService, type AdminService } from '../../electron/core/admin-service';
import { MemoryCredentialStore } from '../../electron/core/settings/credential-store';
import { registerAdminIpc, type IpcMainLike } from '../../electron/main/ipc';
import { isAppUrl } from '../../electron/main/app-origin';

/** Records what a host registers, the way Electron's ipcMain would hold it. */
function recordingIpc(): IpcMainLike & { handlers: Map<string, Parameters<IpcMainLike['handle']>[1]> } {
  const handlers = new Map<string, Parameters<IpcMainLike['handle']>[1]>();
  return {
    handlers,
    handle: (channel, listener) => handlers.set(channel, listener),
    removeHandler: (channel) => handlers.delete(channel),
  };
}

async function withService<T>(work: (service: AdminService) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'invite-desk-contract-'));
  const service = createAdminService(dir, new MemoryCredentialStore());
  try {
    return await work(service);
  } finally {
    await service.shutdown();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the AdminApi contract', () => {
  it('has a schema for every method and no schema without a method', () => {
    expect(Object.keys(callArgumentSchemas).sort()).toEqual([...ADMIN_METHODS].sort());
  });

  it('is implemented in full by AdminService', async () => {
    await withService(async (service) => {
      for (const method of ADMIN_METHODS) expect(typeof service[method]).toBe('function');
      expect(typeof service.on).toBe('function');
      await Promise.resolve();
    });
  });

  it('builds the same bridge for both hosts: exactly the methods plus on()', () => {
    const api = createAdminApi({ invoke: () => Promise.resolve({ result: null }), subscribe: () => () => undefined });
    expect(Object.keys(api).sort()).toEqual([...ADMIN_METHODS, 'on'].sort());
  });

  it('registers one Electron IPC channel per method, and nothing else', async () => {
    await withService(async (service) => {
      const ipc = recordingIpc();
      const wiring = registerAdminIpc(ipc, service, () => true, { send: () => undefined, isReady: () => true });
      expect([...ipc.handlers.keys()].sort()).toEqual(ADMIN_METHODS.map(ipcChannelFor).sort());
      wiring.dispose();
      expect(ipc.handlers.size).toBe(0);
      await Promise.resolve();
    });
  });

  it('forwards every listed event through the bridge, and refuses an unknown one', () => {
    const subscribed: string[] = [];
    const api = createAdminApi({
      invoke: () => Promise.resolve({ result: null }),
      subscribe: (event) => {
        subscribed.push(event);
        return () => undefined;
      },
    });
    for (const event of ADMIN_EVENTS) api.on(event, () => undefined);
    expect(subscribed).toEqual([...ADMIN_EVENTS]);
    expect(() => api.on('bogus' as (typeof ADMIN_EVENTS)[number], () => undefined)).toThrow(TypeError);
  });
});

describe('the Electron IPC wiring', () => {
  /** An IPC event from the window's main frame at `url`. */
  const sender = (url: string) => {
    const mainFrame = { url };
    return { senderFrame: mainFrame, sender: { mainFrame } };
  };
  const trusted = isAppUrl;

  it('trusts only pages served from app://invite-desk', () => {
    expect(isAppUrl('app://invite-desk/index.html')).toBe(true);
    for (const url of ['', 'not a url', 'https://invite-desk/', 'app://invite-desk.evil/', 'app://user:pw@invite-desk/', 'file:///index.html']) {
      expect(isAppUrl(url)).toBe(false);
    }
  });

  it('refuses a call from a page that is not ours', async () => {
    await withService(async (service) => {
      const ipc = recordingIpc();
      registerAdminIpc(ipc, service, trusted, { send: () => undefined, isReady: () => true });
      const listProfiles = ipc.handlers.get(ipcChannelFor('listProfiles'));
      expect(await listProfiles?.(sender('https://evil.example/'))).toMatchObject({ error: { code: 'invalid-input' } });
      expect(await listProfiles?.({ senderFrame: null, sender: { mainFrame: {} } })).toMatchObject({ error: { code: 'invalid-input' } });
      // A subframe on app:// (say, an injected iframe) is not the page: only the main frame may call.
      expect(await listProfiles?.({ senderFrame: { url: 'app://invite-desk/index.html' }, sender: { mainFrame: { url: 'app://invite-desk/index.html' } } })).toMatchObject({
        error: { code: 'invalid-input' },
      });
      expect(await listProfiles?.(sender('app://invite-desk/index.html'))).toEqual({ result: [] });
    });
  });

  it('answers fuzzed payloads with invalid-input, never an exception', async () => {
    await withService(async (service) => {
      const ipc = recordingIpc();
      registerAdminIpc(ipc, service, trusted, { send: () => undefined, isReady: () => true });
      const payloads: unknown[][] = [
        [],
        [null],
        [42],
        ['../../etc/passwd'],
        [{ profile: null, password: 'x' }],
        [{ profile: { id: 'a', jid: 'not a jid' }, password: 'x' }],
        [{ profile: { id: 'a b', jid: 'a@b.c' }, password: 'x' }],
        [{ profile: { id: 'a', jid: 'a@b.c', extra: true }, password: 'x' }],
        [{ profile: { id: 'a', jid: 'a@b.c', trustedFingerprint: 'AA' }, password: 'x' }],
        [{ profile: { id: 'a', jid: 'a@b.c', address: 'host:99999' }, password: 'x' }],
        [{ profile: { id: 'a', jid: 'a@b.c' }, password: '' }],
        [{ profile: { id: 'a', jid: 'a@b.c' }, password: 'x'.repeat(5000) }],
        [{ __proto__: { polluted: true } }],
        ['x'.repeat(1000)],
      ];
      // A small deterministic fuzz on top: random JSON-ish values for every method.
      let seed = 7;
      const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const values = [null, true, 0, -1, 1e308, '', 'a', '@', [], {}, { id: 1 }, { profile: {} }];
      for (let i = 0; i < 200; i++) {
        const length = Math.floor(random() * 3);
        payloads.push(Array.from({ length }, () => values[Math.floor(random() * values.length)]));
      }
      for (const method of ADMIN_METHODS) {
        const handler = ipc.handlers.get(ipcChannelFor(method));
        for (const payload of payloads) {
          const reply: CallEnvelope | undefined = await handler?.(sender('app://invite-desk/'), ...payload);
          if (reply && 'error' in reply) {
            expect(['invalid-input', 'not-connected', 'feature-missing']).toContain(reply.error.code);
            expect(reply.error.message.length).toBeGreaterThan(0);
          }
        }
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  it('queues events until the page is ready, then delivers them in order', async () => {
    await withService(async (service) => {
      const sent: unknown[][] = [];
      let ready = false;
      const wiring = registerAdminIpc(recordingIpc(), service, trusted, { send: (...args) => sent.push(args), isReady: () => ready });
      // disconnect() of an unknown server emits nothing, so drive events through a failing connect.
      await service.connect({ profile: { id: 'x', jid: 'a@127.0.0.1', address: '127.0.0.1:1' }, password: 'p' }).catch(() => undefined);
      expect(sent).toEqual([]);
      ready = true;
      wiring.flushEvents();
      expect(sent.map((args) => (args[2] as { state: string }).state)).toEqual(['connecting', 'offline']);
    });
  });
});
