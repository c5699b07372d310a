import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type WebSocket from 'ws';
import { ADMIN_METHODS } from '../../../common/contract';
import { ERROR_CODES } from '../../../common/errors';
import { createAdminService } from '../../../electron/core/admin-service';
import { MemoryCredentialStore } from '../../../electron/core/settings/credential-store';
import { runPreview, type RunningPreview } from '../../../electron/preview/run';
import { prosodyFixture } from '../../helpers/fixtures';
import { freePort } from '../../helpers/ports';
import { WITH_INVITE_DESK } from '../../helpers/prosody';
import { login, openSocket, stillServes } from '../../helpers/preview-client';
import { profileFor } from '../../helpers/session';

/**
 * Every AdminApi method, called over the preview's WebSocket with arguments
 * fast-check makes up: arbitrary JSON, and objects with the contract's field
 * names but hostile values. Behind the socket is a session to a real Prosody
 * with mod_invite_desk, so well-shaped calls reach the server. Every reply is
 * a result or an error with a contract code, and the preview keeps serving.
 */

const admin = { username: 'admin', password: 'admin-password' };
const RUNS_PER_METHOD = 40;

let preview: RunningPreview;
let home = '';
let cookie = '';
let socket: WebSocket;
let serverId = '';
let closedPort = 0;

const FIELDS = [
  'serverId', 'profile', 'password', 'kind', 'count', 'ids', 'jid', 'policy', 'state', 'query', 'offset', 'limit', 'welcome', 'apps',
  'theme', 'notifications', 'expiresInSeconds', 'maxUses', 'note', 'username', 'role', 'suggestedName', 'registrationId', 'id', 'address', 'directTls', 'jids',
  'onboarding', 'rooms', 'contacts', 'welcomeFrom', 'community',
];

const server = prosodyFixture({ domain: 'fuzz.test', admins: [admin], ...WITH_INVITE_DESK });

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'invite-desk-fuzz-'));
  const service = createAdminService(home, new MemoryCredentialStore('in memory'), { timeouts: { connectMs: 10_000, requestMs: 5_000 } });
  const profile = profileFor(server(), admin);
  serverId = profile.id;
  await service.connect({ profile, password: admin.password });
  preview = await runPreview({ home, port: 0, service });
  cookie = await login(preview.server.port, preview.server.token);
  const opened = await openSocket(preview.server.port, { Origin: `http://127.0.0.1:${preview.server.port}`, Cookie: cookie });
  if (!opened.socket) throw new Error('socket refused');
  socket = opened.socket;
  // Nothing listens here: a fuzzed connect goes nowhere but loopback.
  closedPort = await freePort();
});
afterAll(async () => {
  socket.terminate();
  await preview.stop();
  await rm(home, { recursive: true, force: true });
});

let nextId = 1000;
function callRaw(method: string, args: unknown[]): Promise<Record<string, unknown>> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (data: Buffer): void => {
      const message = JSON.parse(data.toString()) as Record<string, unknown>;
      if (message.id !== id) return;
      socket.off('message', onMessage);
      resolve(message);
    };
    socket.on('message', onMessage);
    socket.once('close', (code) => reject(new Error(`socket closed with ${code}`)));
    socket.send(JSON.stringify({ id, method, args }));
  });
}

/** Hostile values: wrong types, edge numbers, prototype keys, very long and odd strings. */
const hostileValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'prototype', '', ' ', '../../etc/passwd', '\u0000', 'a@b', `admin@fuzz.test`, 'nobody@fuzz.test', 'prosody:admin', 'open', 'closed', 'account', 'reset'),
    fc.constantFrom(0, -1, 1, 2 ** 31, Number.MAX_SAFE_INTEGER, 0.5, 1e308, -0),
    fc.string({ maxLength: 40 }),
    fc.string({ minLength: 5_000, maxLength: 20_000 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
  );

/** Objects with the contract's own field names, so validation is tested past its first check. */
const shapedObject = (): fc.Arbitrary<Record<string, unknown>> =>
  fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(hostileValue(), fc.dictionary(fc.constantFrom(...FIELDS), hostileValue(), { maxKeys: 4 })), { maxKeys: 6 });

function argumentsFor(method: string): fc.Arbitrary<unknown[]> {
  // Destructive calls never name the connected server, so later methods still reach Prosody.
  const destructive = method === 'removeProfile' || method === 'disconnect' || method === 'connect';
  const id = destructive ? fc.constantFrom('other-server', 'x') : fc.constantFrom(serverId, 'other-server');
  const withId = shapedObject().chain((object) => id.map((value) => (Object.hasOwn(object, 'serverId') ? { ...object, serverId: value } : object)));
  const argument = fc.oneof(fc.jsonValue({ maxDepth: 3 }), shapedObject(), withId, destructive ? fc.constant('x') : id, hostileValue());
  return fc.array(argument, { maxLength: 3 });
}

/** A connect may only ever dial loopback: its profile's address is pinned to a closed local port. */
function pinAddress(method: string, args: unknown[]): unknown[] {
  if (method !== 'connect' && method !== 'saveProfile') return args;
  return args.map((arg) => {
    if (typeof arg !== 'object' || arg === null) return arg;
    const record = { ...(arg as Record<string, unknown>) };
    if (typeof record.profile === 'object' && record.profile !== null) record.profile = { ...record.profile, address: `127.0.0.1:${closedPort}` };
    if (method === 'saveProfile') record.address = `127.0.0.1:${closedPort}`;
    return record;
  });
}

describe('every AdminApi method, fuzzed over the preview socket', () => {
  it.each(ADMIN_METHODS.map((method) => [method]))('%s answers a result or a contract error, and the preview keeps serving', async (method) => {
    await fc.assert(
      fc.asyncProperty(argumentsFor(method), async (args) => {
        const reply = await callRaw(method, pinAddress(method, args));
        if ('error' in reply) {
          const error = reply.error as { code: string; message: string };
          expect(ERROR_CODES).toContain(error.code);
          expect(error.message.length).toBeGreaterThan(0);
        } else {
          expect(reply).toHaveProperty('result');
        }
      }),
      { numRuns: RUNS_PER_METHOD },
    );
    expect(await stillServes(preview.server.port, cookie)).toMatchObject({ id: 1 });
    // The session to Prosody is still there: fuzzing did not break it.
    expect(await callRaw('serverInfo', [serverId])).toHaveProperty('result');
  });
});
