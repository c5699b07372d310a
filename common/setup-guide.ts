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
export const PROSODY_SERIES = ['0.12', '13', 'older', 'unknown'] as const;
export type ProsodySeries = (typeof PROSODY_SERIES)[number];

/**
 * Words for the UI to put in the admin's language: a catalog key (in
 * renderer/src/lib/i18n; the guides here use "guide.*", and a unit test
 * checks each is there) and its arguments, which are addresses, versions and
 * file names, never words.
 */
export interface GuideWords {
  id: string;
  values?: Record<string, string>;
}

export interface SetupStep {
  title: GuideWords;
  /** Ready to copy: shell commands to run on the server, or lines for prosody.cfg.lua. */
  code: string;
  kind: 'shell' | 'config';
  note?: GuideWords;
}

export interface SetupGuide {
  series: ProsodySeries;
  /** e.g. "Prosody 13.0.1", or what the steps assume when the server did not say; the summary's `{target}`. */
  target: GuideWords;
  /** Said before the steps, or instead of them when there is nothing to type. */
  summary: GuideWords;
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

export function targetOf(series: ProsodySeries, software: SoftwareVersion | undefined): GuideWords {
  return series === 'unknown' || !software ? { id: 'guide.target.unknown' } : { id: 'guide.target', values: { version: software.version.trim() } };
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
  if (series === 'older') return { series, target, summary: { id: 'guide.module.tooOld' }, steps: [] };
  if (modules.length === 0) return { series, target, summary: { id: 'guide.module.asSaid', values: { text: enable } }, steps: [] };
  const steps: SetupStep[] = [];
  if (modules.includes('invite_desk')) {
    steps.push({
      title: { id: 'guide.module.install' },
      kind: 'shell',
      code: `sudo apt-get install -y luarocks liblua5.4-dev\nsudo prosodyctl install ${ROCK_ON_SERVER}`,
      note: { id: 'guide.module.installNote', values: { rock: MODULE_ROCK_FILE } },
    });
  }
  steps.push(
    { title: { id: 'guide.module.enable' }, kind: 'config', code: enable, note: { id: 'guide.module.enableNote' } },
    {
      title: { id: 'guide.loadNow' },
      kind: 'shell',
      code: modules.map((m) => `sudo prosodyctl shell module load ${m} ${domain}`).join('\n'),
      note: { id: 'guide.module.loadNote' },
    },
  );
  return { series, target, summary: { id: 'guide.module.summary' }, steps };
}

/**
 * Steps that give invites on `domain` a web page (mod_invites_page, from
 * prosody-modules), so that a phone's camera can open a card's code: a page
 * that says which apps to install and opens the invite in them.
 */
export function invitePageGuide(domain: string, software: SoftwareVersion | undefined): SetupGuide {
  const series = prosodySeries(software);
  const target = targetOf(series, software);
  if (series === 'older') return { series, target, summary: { id: 'guide.page.tooOld' }, steps: [] };
  const backports = series === '13' ? ' -t bookworm-backports' : '';
  return {
    series,
    target,
    summary: { id: 'guide.page.summary' },
    steps: [
      {
        title: { id: 'guide.page.install' },
        kind: 'shell',
        code: `sudo apt-get install -y${backports} prosody-modules\nsudo apt-get install -y libjs-bootstrap4 libjs-jquery`,
        note: { id: 'guide.page.installNote', values: { series } },
      },
      {
        title: { id: 'guide.page.enable' },
        kind: 'config',
        code: `http_external_url = "https://${domain}/"\nmodules_enabled = { …, "invites_page", "http_libjs" }`,
        note: { id: 'guide.page.enableNote', values: { domain, series } },
      },
      {
        title: { id: 'guide.loadNow' },
        kind: 'shell',
        code: `sudo prosodyctl reload\nsudo prosodyctl shell module load http_libjs ${domain}\nsudo prosodyctl shell module load invites_page ${domain}`,
        note: { id: 'guide.page.loadNote' },
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
      summary: { id: 'guide.admin.summary13', values: { account } },
      steps: [
        {
          title: { id: 'guide.admin.role' },
          kind: 'shell',
          code: `sudo prosodyctl shell user set_role ${account} prosody:admin`,
          note: { id: 'guide.admin.roleNote', values: { line: `admins = { "${account}" }` } },
        },
      ],
    };
  }
  return {
    series,
    target,
    summary: { id: 'guide.admin.summary', values: { account } },
    steps: [
      { title: { id: 'guide.admin.add' }, kind: 'config', code: `admins = { "${account}" }` },
      { title: { id: 'guide.admin.restart' }, kind: 'shell', code: 'sudo prosodyctl restart' },
    ],
  };
}
