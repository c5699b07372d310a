import { describe, expect, it } from 'vitest';
import { adminSetupGuide, guideText, invitePageGuide, moduleSetupGuide, modulesIn, prosodySeries, ROCK_ON_SERVER } from '../../common/setup-guide';

const prosody = (version: string): { name: string; version: string } => ({ name: 'Prosody', version });

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
    expect(guide.target).toBe('Prosody 13.0.1');
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
      expect(guide.steps[1]?.note).toContain('mod_register_apps');
    }
    // Prosody 13's own mod_invites can point at a page elsewhere; 0.12's cannot.
    expect(current.steps[1]?.note).toContain('invites_page = "https://example.org/join?t={invite.token}"');
    expect(old.steps[1]?.note).not.toContain('invites_page =');
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
    expect(older.summary).toContain('needs Prosody 0.12 or later');
    expect(moduleSetupGuide('modules_enabled = { …, "invite_desk" }', 'example.org', undefined).target).toBe(
      'Prosody 0.12 or later (the server did not say its version)',
    );
  });

  it('makes an admin with the admins list on 0.12, and with a role on 13', () => {
    const old = adminSetupGuide('you@example.org', prosody('0.12.3'));
    expect(old.steps.map((s) => s.code)).toEqual(['admins = { "you@example.org" }', 'sudo prosodyctl restart']);
    const current = adminSetupGuide('you@example.org', prosody('13.0.1'));
    expect(current.steps.map((s) => s.code)).toEqual(['sudo prosodyctl shell user set_role you@example.org prosody:admin']);
    expect(guideText(current)).toContain('sudo prosodyctl shell user set_role you@example.org prosody:admin');
    expect(guideText(current)).toContain('admins = { "you@example.org" }');
  });
});
