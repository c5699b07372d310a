/**
 * What an admin types on the server to get a missing feature, or admin
 * rights, on the Prosody version the server reports (XEP-0092). Pure: the UI
 * shows it, the backend words its errors with it, and the tests check each
 * command against a real Prosody.
 */

/** The source rock `npm run rock` makes; a unit test keeps it in step with prosody/'s rockspec. */
export const MODULE_ROCK_FILE = 'mod_invite_desk-0.1.0-1.src.rock';
/** Where the install step expects the rock: any folder the prosody user can read will do. */
export const ROCK_ON_SERVER = `/tmp/${MODULE_ROCK_FILE}`;

/** The Prosody lines whose commands differ. `older` is 0.11 and before; `unknown` when the server does not say. */
export type ProsodySeries = '0.12' | '13' | 'older' | 'unknown';

export interface SetupStep {
  title: string;
  /** Ready to copy: shell commands to run on the server, or lines for prosody.cfg.lua. */
  code: string;
  kind: 'shell' | 'config';
  note?: string;
}

export interface SetupGuide {
  series: ProsodySeries;
  /** e.g. "Prosody 13.0.1", or what the steps assume when the server did not say. */
  target: string;
  /** Said before the steps, or instead of them when there is nothing to type. */
  summary: string;
  steps: SetupStep[];
}

export interface SoftwareVersion {
  name: string;
  version: string;
}

export function prosodySeries(software: SoftwareVersion | undefined): ProsodySeries {
  if (!software || software.name.trim().toLowerCase() !== 'prosody') return 'unknown';
  const match = /^(\d+)\.(\d+)/.exec(software.version.trim());
  if (!match) return 'unknown';
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major >= 13) return '13';
  if (major === 0 && minor === 12) return '0.12';
  if (major === 0 && minor < 12) return 'older';
  return 'unknown';
}

function targetOf(series: ProsodySeries, software: SoftwareVersion | undefined): string {
  return series === 'unknown' ? 'Prosody 0.12 or later (the server did not say its version)' : `Prosody ${software?.version ?? ''}`.trim();
}

/** The module names in a capability's `modules_enabled = { …, "a", "b" }` line; none when it says something else. */
export function modulesIn(enable: string): string[] {
  if (!enable.trim().startsWith('modules_enabled')) return [];
  return [...enable.matchAll(/"([\w-]+)"/g)].map((m) => m[1] ?? '').filter((m) => m !== '');
}

/**
 * Steps that enable a missing capability on `domain`, from its config line:
 * install (mod_invite_desk only, the others ship with Prosody), the config,
 * and a load without restart.
 */
export function moduleSetupGuide(enable: string, domain: string, software: SoftwareVersion | undefined): SetupGuide {
  const series = prosodySeries(software);
  const modules = modulesIn(enable);
  const target = targetOf(series, software);
  if (series === 'older') {
    return {
      series,
      target,
      summary: `${target} has no invites, no prosodyctl install and no admin shell. Invite Desk needs Prosody 0.12 or later: upgrade the server first (for example from Prosody's own package repository).`,
      steps: [],
    };
  }
  if (modules.length === 0) return { series, target, summary: enable, steps: [] };
  const steps: SetupStep[] = [];
  if (modules.includes('invite_desk')) {
    steps.push({
      title: 'Install the module',
      kind: 'shell',
      code: `sudo apt-get install -y luarocks liblua5.4-dev\nsudo prosodyctl install ${ROCK_ON_SERVER}`,
      note:
        `Copy ${MODULE_ROCK_FILE} to /tmp on the server first (npm run rock in an Invite Desk checkout makes it, with its SHA-256 beside it). ` +
        'Give prosodyctl the full path: it changes to the data folder and runs LuaRocks as the prosody user, into Prosody\'s own plugin folder, with no network. ' +
        "The first line is for Debian and Ubuntu: their LuaRocks 3.8 wants Lua's headers even for a module written in Lua.",
    });
  }
  steps.push(
    {
      title: 'Enable it',
      kind: 'config',
      code: enable,
      note: 'Add to the modules_enabled list you already have at the top of the config, so it loads again after a restart.',
    },
    {
      title: 'Load it now, without a restart',
      kind: 'shell',
      code: modules.map((m) => `sudo prosodyctl shell module load ${m} ${domain}`).join('\n'),
      note: "This goes through mod_admin_shell, which Prosody's default config loads. Without it, restart instead: sudo prosodyctl restart",
    },
  );
  return { series, target, summary: `For ${target}:`, steps };
}

/**
 * Steps that give invites on `domain` a web page (mod_invites_page, from
 * prosody-modules), so that a phone's camera can open a card's code: a page
 * that says which apps to install and opens the invite in them.
 */
export function invitePageGuide(domain: string, software: SoftwareVersion | undefined): SetupGuide {
  const series = prosodySeries(software);
  const target = targetOf(series, software);
  if (series === 'older') return { series, target, summary: `${target} has no invites: upgrade to Prosody 0.12 or later first.`, steps: [] };
  const backports = series === '13' ? ' -t bookworm-backports' : '';
  return {
    series,
    target,
    summary: `For ${target}: the invite page comes with the community modules (prosody-modules), and uses Prosody's own web server, which people must reach over https.`,
    steps: [
      {
        title: 'Install the community modules',
        kind: 'shell',
        code: `sudo apt-get install -y${backports} prosody-modules\nsudo apt-get install -y libjs-bootstrap4 libjs-jquery`,
        note:
          (series === '13'
            ? 'On Debian 12 with Prosody 13 from bookworm-backports, take prosody-modules from there too, so it matches; Debian 13 has it in its main archive. '
            : 'This is the prosody-modules of Debian 12 and Ubuntu, which matches their Prosody 0.12. ') +
          'Elsewhere: sudo prosodyctl install --server=https://modules.prosody.im/rocks/ mod_invites_page (and the same for mod_register_apps and mod_http_libjs). The second line gives the page its look.',
      },
      {
        title: 'Enable the page, and say where people reach it',
        kind: 'config',
        code: `http_external_url = "https://${domain}/"\nmodules_enabled = { …, "invites_page", "http_libjs" }`,
        note:
          `http_external_url is the public https address of Prosody's web server: its own https port (5281 unless https_ports says otherwise, as in https://${domain}:5281/), or the reverse proxy in front of it. mod_invites_page loads mod_register_apps, whose site_apps option lists the apps the page suggests.` +
          (series === '13'
            ? ' Prosody 13\'s own mod_invites can instead point invites at a page you host elsewhere: invites_page = "https://example.org/join?t={invite.token}".'
            : ''),
      },
      {
        title: 'Load it now, without a restart',
        kind: 'shell',
        code: `sudo prosodyctl reload\nsudo prosodyctl shell module load http_libjs ${domain}\nsudo prosodyctl shell module load invites_page ${domain}`,
        note: 'The reload reads http_external_url; invites made from then on carry the page. Then make an invite and check its page below.',
      },
    ],
  };
}

/** Steps that make `account` an admin of its host. */
export function adminSetupGuide(account: string, software: SoftwareVersion | undefined): SetupGuide {
  const series = prosodySeries(software);
  const target = targetOf(series, software);
  if (series === '13') {
    return {
      series,
      target,
      summary: `On ${target}, give ${account} the admin role through the admin shell; it applies from the next sign-in, with no restart:`,
      steps: [
        {
          title: 'Give the account the admin role',
          kind: 'shell',
          code: `sudo prosodyctl shell user set_role ${account} prosody:admin`,
          note: `The admins list in prosody.cfg.lua (admins = { "${account}" }) works too, after a restart.`,
        },
      ],
    };
  }
  return {
    series,
    target,
    summary: `On ${target}, add ${account} to the admins list you already have in the Prosody config, and restart Prosody, which reads the list at start-up:`,
    steps: [
      {
        title: 'Add the account to admins',
        kind: 'config',
        code: `admins = { "${account}" }`,
      },
      { title: 'Restart Prosody', kind: 'shell', code: 'sudo prosodyctl restart' },
    ],
  };
}

/** The guide as one paragraph, for an error message. */
export function guideText(guide: SetupGuide): string {
  const notes = guide.steps.flatMap((s) => (s.note ? [` ${s.note}`] : []));
  return `${guide.summary} ${guide.steps.map((s) => s.code.replaceAll('\n', ' ; ')).join(', then ')}.${notes.join('')}`;
}
