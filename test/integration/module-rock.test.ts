import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MODULE_ROCK_FILE, moduleSetupGuide, ROCK_ON_SERVER, type SetupGuide } from '../../common/setup-guide';
import { packRock, type Rock } from '../../scripts/lib/rock';
import { guideEnglish } from '../helpers/guide-words';
import { prosodyFlavour, startProsody, STOCK_MODULES, type Account, type ProsodyServer } from '../helpers/prosody';
import { expectAdminError, profileFor, withTestService } from '../helpers/session';

/**
 * mod_invite_desk the Prosody way: packed as a source rock, installed with
 * `prosodyctl install` into the server's installer_plugin_path, loaded into
 * the running server through the admin shell, and found by the app's own
 * re-probe over the session it already had. Every command run here is the one
 * the app shows the admin, taken from its setup guide.
 */

const exec = promisify(execFile);
const flavour = prosodyFlavour();
const admin: Account = { username: 'admin', password: 'admin-password' };

/**
 * Runs one `sudo prosodyctl …` line of a guide against a test server's
 * config (the tests run as root already), with the rock where this test made it.
 */
async function runGuideLine(line: string, server: ProsodyServer, rockPath: string): Promise<string> {
  const match = /^sudo prosodyctl (.+)$/.exec(line);
  if (!match?.[1]) throw new Error(`not a prosodyctl line: ${line}`);
  const args = match[1].split(' ').map((arg) => (arg === ROCK_ON_SERVER ? rockPath : arg));
  try {
    const { stdout, stderr } = await exec(flavour.prosodyctl, ['--config', server.configPath, ...args], { timeout: 60_000 });
    return `${stdout}\n${stderr}`;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${line} failed:\n${stdout}\n${stderr}`, { cause: error });
  }
}

function step(guide: SetupGuide, title: RegExp): string {
  const found = guide.steps.find((s) => title.test(guideEnglish(guide, s.title)));
  if (!found) throw new Error(`the guide has no step matching ${String(title)}: ${guide.steps.map((s) => guideEnglish(guide, s.title)).join(', ')}`);
  return found.code;
}

describe(`mod_invite_desk as a rock, on Prosody ${flavour.version}`, () => {
  let rock: Rock;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'invite-desk-rock-'));
    rock = await packRock(join(work, 'out'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('packs the same bytes every time, under the name the app gives admins', async () => {
    expect(rock.fileName).toBe(MODULE_ROCK_FILE);
    expect(rock.sha256).toMatch(new RegExp(`^[0-9a-f]{64}  ${MODULE_ROCK_FILE.replaceAll('.', '\\.')}\n$`));
    expect((await packRock(join(work, 'again'))).sha256).toBe(rock.sha256);
  });

  it('installs with prosodyctl install, loads without a restart, and appears on the app\'s re-check', async () => {
    // Prosody resolves a relative installer_plugin_path against its compiled-in data folder, not data_path: give it its own.
    const plugins = join(work, 'plugins-live');
    const server = await startProsody({
      admins: [admin],
      modules: [...STOCK_MODULES, 'admin_shell'],
      extraConfig: `installer_plugin_path = ${JSON.stringify(plugins)}`,
    });
    try {
      await withTestService(async (t) => {
        const profile = profileFor(server, admin);
        const info = await t.service.connect({ profile, password: admin.password });
        const capability = info.capabilities.find((c) => c.id === 'invite-desk');
        expect(capability?.state).toBe('missing');
        expect((await expectAdminError(t.service.getPolicy(profile.id))).code).toBe('feature-missing');

        const guide = moduleSetupGuide(capability?.enable ?? '', server.domain, info.software);
        expect(guide.series).toBe(flavour.version);
        const [aptLine, installLine] = step(guide, /^Install/).split('\n');
        expect(aptLine).toMatch(/apt-get install .*luarocks/);
        const installed = await runGuideLine(installLine ?? '', server, rock.path);
        // Prosody 13's prosodyctl reports a failed LuaRocks run as success, so look for the file itself.
        expect(installed).toContain('mod_invite_desk 0.1.0-1 is now installed');
        expect(existsSync(join(plugins, 'share/lua/5.4/mod_invite_desk.lua'))).toBe(true);
        expect(step(guide, /^Enable/)).toBe('modules_enabled = { …, "invite_desk" }');

        // Installed but not loaded: the server is unchanged until the load.
        expect((await t.service.recheckServer(profile.id)).capabilities.find((c) => c.id === 'invite-desk')?.state).toBe('missing');

        const loaded = await runGuideLine(step(guide, /^Load/), server, rock.path);
        expect(loaded).toMatch(/Module loaded onto 1 host/);

        const after = await t.service.recheckServer(profile.id);
        expect(after.capabilities.find((c) => c.id === 'invite-desk')?.state).toBe('available');
        expect(after.modules).toContain('invite_desk');
        expect(await t.service.serverInfo(profile.id)).toEqual(after);
        // The same session throughout: no reconnect.
        expect(t.statuses.map((s) => s.state)).toEqual(['connecting', 'online']);

        // And it works: the module's policy and invite options over that session.
        expect(await t.service.getPolicy(profile.id)).toBe('invite-only');
        const [invite] = await t.service.createInvites({ serverId: profile.id, kind: 'account', maxUses: 3, note: 'from the rock' });
        expect(invite?.id).toMatch(/^[0-9a-f]{16}$/);
        const page = await t.service.listInvites({ serverId: profile.id, state: 'pending' });
        expect(page.invites.map((i) => [i.id, i.note, i.maxUses])).toEqual([[invite?.id, 'from the rock', 3]]);
      });
      expect(await server.log()).not.toMatch(/\berror\b.*invite_desk/i);
    } finally {
      await server.stop();
    }
  });

  it('loads at start from the config line alone once installed, with no plugin_paths', async () => {
    const plugins = join(work, 'plugins-config');
    const installer = await startProsody({ admins: [admin], extraConfig: `installer_plugin_path = ${JSON.stringify(plugins)}` });
    try {
      const guide = moduleSetupGuide('modules_enabled = { …, "invite_desk" }', installer.domain, { name: 'Prosody', version: flavour.version === '13' ? '13.0.1' : '0.12.3' });
      await runGuideLine(step(guide, /^Install/).split('\n')[1] ?? '', installer, rock.path);
    } finally {
      await installer.stop();
    }
    const server = await startProsody({
      admins: [admin],
      modules: [...STOCK_MODULES, 'invite_desk'],
      extraConfig: `installer_plugin_path = ${JSON.stringify(plugins)}`,
    });
    try {
      await withTestService(async (t) => {
        const info = await t.service.connect({ profile: profileFor(server, admin), password: admin.password });
        expect(info.capabilities.find((c) => c.id === 'invite-desk')?.state).toBe('available');
        expect(await t.service.getPolicy(info.serverId)).toBe('invite-only');
      });
    } finally {
      await server.stop();
    }
  });
});
