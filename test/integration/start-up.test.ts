import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../common/api';
import type { AdminService } from '../../electron/core/admin-service';
import { prosodyFixture } from '../helpers/fixtures';
import { firstRun, profileFor, restartedService } from '../helpers/session';

const first = { username: 'first', password: 'first-password' };
const second = { username: 'second', password: 'second-password' };

/** Starts the backend again over `home`, as the app does after a quit, and returns what each server's last status was once start() is done. */
async function startAgain(home: string): Promise<{ service: AdminService; states: Map<string, ConnectionStatus>; sequence: string[] }> {
  const service = restartedService(home);
  const states = new Map<string, ConnectionStatus>();
  const sequence: string[] = [];
  service.on('connection-status', (status) => {
    states.set(status.serverId, status);
    sequence.push(status.state);
  });
  await service.start();
  return { service, states, sequence };
}

describe('saved servers at start', () => {
  // One Prosody, two admin accounts: two saved servers to the app.
  const prosody = prosodyFixture({ domain: 'start.test', admins: [first, second] });

  it('connect by themselves, all at once, unless turned off for one server or for the whole app', async () => {
    const server = prosody();
    const profiles = [profileFor(server, first), profileFor(server, second)];
    const t = await firstRun([first, second].map((account, i) => ({ profile: profiles[i] ?? profileFor(server, account), password: account.password })));
    try {

      let run = await startAgain(t.home);
      // In parallel: both were connecting before either was online.
      expect(run.sequence.slice(0, 2)).toEqual(['connecting', 'connecting']);
      expect(Object.fromEntries([...run.states.values()].map((s) => [s.serverId, s.state]))).toEqual(Object.fromEntries(profiles.map((p) => [p.id, 'online'])));
      await run.service.setConnectAtStart({ serverId: profiles[1]?.id ?? '', connectAtStart: false });
      expect(Object.fromEntries((await run.service.listProfiles()).map((p) => [p.id, p.connectAtStart]))).toEqual({ [profiles[0]?.id ?? '']: true, [profiles[1]?.id ?? '']: false });
      await run.service.shutdown();

      run = await startAgain(t.home);
      expect([...run.states.keys()]).toEqual([profiles[0]?.id]);
      await run.service.setPreferences({ connectAtStart: false });
      await run.service.shutdown();

      run = await startAgain(t.home);
      expect(run.states.size).toBe(0);
      await run.service.shutdown();
    } finally {
      await t.dispose();
    }
  });

  it('ask for the password of the one whose saved sign-in the server refused, and connect the others', async () => {
    const server = prosody();
    const profiles = [profileFor(server, first), profileFor(server, second)];
    const t = await firstRun([first, second].map((account, i) => ({ profile: profiles[i] ?? profileFor(server, account), password: account.password })));
    try {
      // Registering an existing account sets a new password, with a new salt: the saved keys no longer sign in.
      await server.register({ username: first.username, password: 'changed-password' });

      const run = await startAgain(t.home);
      expect(run.states.get(profiles[0]?.id ?? '')).toMatchObject({ state: 'offline', code: 'password-required' });
      expect(run.states.get(profiles[1]?.id ?? '')).toMatchObject({ state: 'online' });
      expect(Object.fromEntries((await run.service.listProfiles()).map((p) => [p.id, p.hasSavedCredentials]))).toEqual({ [profiles[0]?.id ?? '']: false, [profiles[1]?.id ?? '']: true });
      await run.service.connect({ profile: profiles[0] ?? profileFor(server, first), password: 'changed-password' });
      await run.service.shutdown();
    } finally {
      await server.register(first);
      await t.dispose();
    }
  });
});
