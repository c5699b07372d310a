import { describe, expect, it } from 'vitest';
import { serverWideOnboardingGuide } from '../../common/onboarding';
import { adminSetupGuide, invitePageGuide, moduleSetupGuide, modulesIn, prosodySeries, ROCK_ON_SERVER, type SetupGuide } from '../../common/setup-guide';
import { en } from '../../renderer/src/lib/i18n/en';
import { guideEnglish } from '../helpers/guide-words';

const prosody = (version: string): { name: string; version: string } => ({ name: 'Prosody', version });
const note = (guide: SetupGuide, index: number): string => guideEnglish(guide, guide.steps[index]?.note);

describe('the setup guide', () => {
  it('tells the Prosody line from the version the server reports', () => {
    expect(prosodySeries(prosody('0.12.3'))).toBe('0.12');
    expect(prosodySeries(prosody('13.0.1'))).toBe('13');
    expect(prosodySeries(prosody('14.1'))).toBe('13');
    expect(prosodySeries(prosody('0.11.9'))).toBe('older');
    expect(prosodySeries(prosody('trunk'))).toBe('unknown');
    expect(prosodySeries({ name: 'ejabberd', version: '24.02' })).toBe('unknown');
    expect(prosodySeries(undefined)).toBe('unknown');
  });

  it('reads the modules from a capability\'s config line, and nothing from anything else', () => {
    expect(modulesIn('modules_enabled = { …, "invites", "invites_adhoc" }')).toEqual(['invites', 'invites_adhoc']);
    expect(modulesIn('upgrade to Prosody 13 and load "admin_adhoc"')).toEqual([]);
  });

  it('installs, enables and loads mod_invite_desk on the named host', () => {
    const guide = moduleSetupGuide('modules_enabled = { …, "invite_desk" }', 'example.org', prosody('13.0.1'));
    expect(guideEnglish(guide, guide.target)).toBe('Prosody 13.0.1');
    expect(guideEnglish(guide, guide.summary)).toBe('For Prosody 13.0.1:');
    expect(guide.steps.map((s) => guideEnglish(guide, s.title))).toEqual(['Install the module', 'Enable it', 'Load it now, without a restart']);
    expect(note(guide, 0)).toContain('Copy mod_invite_desk-0.1.0-1.src.rock to /tmp on the server first');
    expect(guide.steps.map((s) => [s.kind, s.code])).toEqual([
      ['shell', `sudo apt-get install -y luarocks liblua5.4-dev\nsudo prosodyctl install ${ROCK_ON_SERVER}`],
      ['config', 'modules_enabled = { …, "invite_desk" }'],
      ['shell', 'sudo prosodyctl shell module load invite_desk example.org'],
    ]);
  });

  it('sets up the invite web page for each Prosody line: the matching community modules, the public address, and a load without restart', () => {
    const old = invitePageGuide('example.org', prosody('0.12.3'));
    const current = invitePageGuide('example.org', prosody('13.0.1'));
    expect(old.steps.map((s) => s.kind)).toEqual(['shell', 'config', 'shell']);
    expect(old.steps[0]?.code).toBe('sudo apt-get install -y prosody-modules\nsudo apt-get install -y libjs-bootstrap4 libjs-jquery');
    expect(current.steps[0]?.code).toBe('sudo apt-get install -y -t bookworm-backports prosody-modules\nsudo apt-get install -y libjs-bootstrap4 libjs-jquery');
    for (const guide of [old, current]) {
      expect(guide.steps[1]?.code).toBe('http_external_url = "https://example.org/"\nmodules_enabled = { …, "invites_page", "http_libjs" }');
      expect(guide.steps[2]?.code).toBe('sudo prosodyctl reload\nsudo prosodyctl shell module load http_libjs example.org\nsudo prosodyctl shell module load invites_page example.org');
      expect(note(guide, 1)).toContain('mod_register_apps');
      expect(note(guide, 1)).toContain('as in https://example.org:5281/');
    }
    // Prosody 13's own mod_invites can point at a page elsewhere; 0.12's cannot.
    expect(note(current, 1)).toContain('invites_page = "https://example.org/join?t={invite.token}"');
    expect(note(old, 1)).not.toContain('invites_page =');
    expect(invitePageGuide('example.org', prosody('0.11.9')).steps).toEqual([]);
  });

  it('has no install step for modules that ship with Prosody, and one load per module', () => {
    const guide = moduleSetupGuide('modules_enabled = { …, "invites", "invites_adhoc" }', 'example.org', prosody('0.12.3'));
    expect(guide.steps.map((s) => s.code)).toEqual([
      'modules_enabled = { …, "invites", "invites_adhoc" }',
      'sudo prosodyctl shell module load invites example.org\nsudo prosodyctl shell module load invites_adhoc example.org',
    ]);
  });

  it('asks an older Prosody to upgrade, and says what it assumes when the version is unknown', () => {
    const older = moduleSetupGuide('modules_enabled = { …, "invite_desk" }', 'example.org', prosody('0.11.9'));
    expect(older.steps).toEqual([]);
    expect(guideEnglish(older, older.summary)).toContain('Prosody 0.11.9 has no invites');
    expect(guideEnglish(older, older.summary)).toContain('needs Prosody 0.12 or later');
    const unknown = moduleSetupGuide('modules_enabled = { …, "invite_desk" }', 'example.org', undefined);
    expect(guideEnglish(unknown, unknown.summary)).toBe(
      'For Prosody 0.12 or later (the server did not say its version):',
    );
  });

  it('makes an admin with the admins list on 0.12, and with a role on 13', () => {
    const old = adminSetupGuide('you@example.org', prosody('0.12.3'));
    expect(old.steps.map((s) => s.code)).toEqual(['admins = { "you@example.org" }', 'sudo prosodyctl restart']);
    const current = adminSetupGuide('you@example.org', prosody('13.0.1'));
    expect(current.steps.map((s) => s.code)).toEqual(['sudo prosodyctl shell user set_role you@example.org prosody:admin']);
    expect(guideEnglish(current, current.summary)).toBe(
      'On Prosody 13.0.1, give you@example.org the admin role through the admin shell; it applies from the next sign-in, with no restart:',
    );
    expect(note(current, 0)).toBe('The admins list in prosody.cfg.lua (admins = { "you@example.org" }) works too, after a restart.');
  });

  it('words every guide, on every Prosody line, from keys in the catalogs (TypeScript holds de and fr to en\'s keys)', () => {
    const guides = ['0.11.9', '0.12.3', '13.0.1', 'trunk'].flatMap((version) => [
      moduleSetupGuide('modules_enabled = { …, "invite_desk" }', 'example.org', prosody(version)),
      invitePageGuide('example.org', prosody(version)),
      adminSetupGuide('you@example.org', prosody(version)),
      serverWideOnboardingGuide('example.org', prosody(version), []),
    ]);
    const ids = new Set(guides.flatMap((g) => [g.target, g.summary, ...g.steps.flatMap((s) => (s.note ? [s.title, s.note] : [s.title]))]).map((w) => w.id));
    expect(ids.size).toBeGreaterThan(30);
    expect([...ids].filter((id) => !(id in en))).toEqual([]);
  });
});
