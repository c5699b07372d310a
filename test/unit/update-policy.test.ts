import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UpdateStatus } from '../../common/api';
import { ActivityTracker, type Activity } from '../../electron/core/activity';
import { createAdminService } from '../../electron/core/admin-service';
import { browserShell } from '../../electron/core/host-shell';
import { MemoryCredentialStore } from '../../electron/core/settings/credential-store';
import { CHECK_EVERY_MS, FIRST_CHECK_AFTER_MS, UpdatePolicy, type Updater } from '../../electron/core/updates/update-policy';
import { startFakeServer } from '../helpers/fake-servers';

/**
 * The update policy, with a stand-in for electron-updater's feed: Electron
 * cannot start here, and the policy is plain Node on purpose.
 */

/** A release feed whose answers the test gives, one call at a time. */
class StandInFeed implements Updater {
  checks = 0;
  downloads = 0;
  installs = 0;
  private answers: (() => Promise<string | null>)[] = [];
  private downloading: { progress: (percent: number) => void; finish: () => void; fail: (error: Error) => void } | null = null;

  answer(next: () => Promise<string | null>): void {
    this.answers.push(next);
  }

  check(): Promise<string | null> {
    this.checks++;
    return (this.answers.shift() ?? (() => Promise.resolve(null)))();
  }

  download(progress: (percent: number) => void): Promise<void> {
    this.downloads++;
    return new Promise((finish, fail) => {
      this.downloading = { progress, finish, fail };
    });
  }

  install(): void {
    this.installs++;
  }

  /** The download under way reports `percent`, then ends, or fails with `error`. */
  progress(percent: number): void {
    this.downloading?.progress(percent);
  }

  finishDownload(error?: Error): void {
    if (error) this.downloading?.fail(error);
    else this.downloading?.finish();
    this.downloading = null;
  }
}

function policyWith(options: { automatic?: boolean; busy?: Activity | null } = {}) {
  const feed = new StandInFeed();
  const seen: UpdateStatus[] = [];
  let busy = options.busy ?? null;
  const policy = new UpdatePolicy({ updater: feed, current: '0.1.0', automatic: options.automatic ?? true, busy: () => busy, onStatus: (status) => seen.push(status) });
  return {
    feed,
    policy,
    seen,
    states: () => seen.map((status) => status.state),
    setBusy: (activity: Activity | null) => (busy = activity),
  };
}

/** Starts a check that finds 0.2.0, and waits until its download is under way; the caller ends the download. */
async function finding(feed: StandInFeed, check: () => Promise<UpdateStatus>): Promise<{ checked: Promise<UpdateStatus> }> {
  const downloads = feed.downloads;
  feed.answer(() => Promise.resolve('0.2.0'));
  // Boxed: an async function returning the check's promise would wait for it.
  const checked = check();
  await vi.waitFor(() => expect(feed.downloads).toBe(downloads + 1));
  return { checked };
}

describe('the update policy', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('checks shortly after start, not at once, so that connecting the saved servers goes first', async () => {
    const { feed, policy } = policyWith();
    expect(policy.status).toMatchObject({ state: 'idle', automatic: true, message: 'Invite Desk 0.1.0 checks for updates when it starts and once a day.' });
    policy.start();
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_AFTER_MS - 1);
    expect(feed.checks).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(feed.checks).toBe(1);
  });

  it('none: says this is the latest version, and checks again a day later', async () => {
    const { feed, policy, states } = policyWith();
    const status = await policy.check();
    expect(status).toMatchObject({ state: 'none', message: 'Invite Desk 0.1.0 is the latest version.' });
    expect(Date.parse(status.checkedAt ?? '')).toBe(Date.now());
    expect(states()).toEqual(['checking', 'none']);
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS - 1);
    expect(feed.checks).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(feed.checks).toBe(2);
  });

  it('available, then downloading: downloads what it finds at once, and shows how far it got', async () => {
    const { feed, policy, seen } = policyWith();
    const { checked } = await finding(feed, () => policy.check());
    expect(seen.map((s) => [s.state, s.version, s.percent])).toEqual([
      ['checking', undefined, undefined],
      ['available', '0.2.0', undefined],
      ['downloading', '0.2.0', 0],
    ]);
    expect(seen[1]?.message).toBe('Invite Desk 0.2.0 is available. Downloading it…');
    feed.progress(42.4);
    expect(policy.status).toMatchObject({ state: 'downloading', percent: 42, message: 'Downloading Invite Desk 0.2.0: 42 %.' });
    // A second check while one is under way joins it.
    void policy.check();
    expect(feed.checks).toBe(1);
    feed.finishDownload();
    expect(await checked).toMatchObject({ state: 'ready', version: '0.2.0' });
    expect(feed.downloads).toBe(1);
  });

  it('ready: installs at quit (electron-updater does that), or at once on the admin\'s word, and checks no more', async () => {
    const { feed, policy } = policyWith();
    const { checked } = await finding(feed, () => policy.check());
    feed.finishDownload();
    expect(await checked).toMatchObject({
      state: 'ready',
      message: 'Invite Desk 0.2.0 is ready. It installs when you quit Invite Desk, or now with Restart to update.',
    });
    expect(feed.installs).toBe(0);
    // Nothing newer matters until this one is installed: no daily check, and a manual one changes nothing.
    await vi.advanceTimersByTimeAsync(3 * CHECK_EVERY_MS);
    expect((await policy.check()).state).toBe('ready');
    expect(feed.checks).toBe(1);
    policy.install();
    expect(feed.installs).toBe(1);
  });

  it('error: says why in one short line, keeps what the admin can do, and tries again tomorrow', async () => {
    const { feed, policy } = policyWith();
    feed.answer(() => Promise.reject(new Error(`HttpError: 404\n${'<html>'.repeat(500)}`)));
    expect(await policy.check()).toMatchObject({
      state: 'error',
      message: 'Could not update: HttpError: 404. Invite Desk tries again tomorrow, or now with Check for updates.',
    });
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS);
    expect(feed.checks).toBe(2);
    expect(policy.status.state).toBe('none');

    // A download that fails is an error too, and the next check starts over.
    const { checked } = await finding(feed, () => policy.check());
    feed.finishDownload(new Error('ECONNRESET'));
    const failed = await checked;
    expect(failed.state).toBe('error');
    expect(failed).not.toHaveProperty('version');
    expect(policy.status.message).toContain('Could not update: ECONNRESET.');
    expect(() => policy.install()).toThrow('No update is ready to install. Check for updates first.');
  });

  it('turned off: never checks by itself, but checks when the admin asks; turning it on checks soon, off cancels', async () => {
    const { feed, policy } = policyWith({ automatic: false });
    expect(policy.status).toMatchObject({ state: 'idle', automatic: false });
    expect(policy.status.message).toMatch(/^Automatic checks are off: Invite Desk 0\.1\.0 looks for updates only when you ask\./);
    policy.start();
    await vi.advanceTimersByTimeAsync(3 * CHECK_EVERY_MS);
    expect(feed.checks).toBe(0);
    expect((await policy.check()).state).toBe('none');
    expect(feed.checks).toBe(1);
    // Not rescheduled after a manual check while off.
    await vi.advanceTimersByTimeAsync(3 * CHECK_EVERY_MS);
    expect(feed.checks).toBe(1);

    policy.setAutomatic(true);
    expect(policy.status.automatic).toBe(true);
    await vi.advanceTimersByTimeAsync(FIRST_CHECK_AFTER_MS);
    expect(feed.checks).toBe(2);
    policy.setAutomatic(false);
    await vi.advanceTimersByTimeAsync(3 * CHECK_EVERY_MS);
    expect(feed.checks).toBe(2);
  });

  it('busy with a batch: the admin\'s word waits for the batch (or a sign-in) to end, then installs once', async () => {
    const { feed, policy, setBusy } = policyWith();
    const { checked } = await finding(feed, () => policy.check());
    feed.finishDownload();
    await checked;

    setBusy('batch');
    expect(policy.install()).toMatchObject({
      state: 'ready',
      waitingFor: 'batch',
      message: 'Invite Desk 0.2.0 installs as soon as the invites being made are done, then Invite Desk restarts.',
    });
    expect(feed.installs).toBe(0);
    // The batch ends, but a sign-in has begun meanwhile: still waiting.
    setBusy('sign-in');
    policy.idle();
    expect(policy.status).toMatchObject({ waitingFor: 'sign-in', message: 'Invite Desk 0.2.0 installs as soon as the sign-in in progress ends, then Invite Desk restarts.' });
    expect(feed.installs).toBe(0);
    setBusy(null);
    policy.idle();
    policy.idle();
    expect(feed.installs).toBe(1);
  });

  it('where there is no updater (the browser preview), says so, and neither checks nor installs', async () => {
    const seen: UpdateStatus[] = [];
    const policy = new UpdatePolicy({ updater: browserShell('0.1.0').updater, current: '0.1.0', automatic: true, busy: () => null, onStatus: (s) => seen.push(s) });
    policy.start();
    await vi.advanceTimersByTimeAsync(3 * CHECK_EVERY_MS);
    expect(await policy.check()).toMatchObject({ state: 'unavailable', message: expect.stringMatching(/^The browser preview has no updater/) as unknown });
    expect(() => policy.install()).toThrow('No update is ready to install.');
    expect(seen).toEqual([]);
  });
});

describe('the activity an update waits for', () => {
  it('counts sign-ins and batches until each settles, and says when the last one ends', async () => {
    const activity = new ActivityTracker();
    let idle = 0;
    activity.onIdle(() => idle++);
    let endSignIn = (): void => undefined;
    const signIn = activity.track('sign-in', () => new Promise<void>((resolve) => (endSignIn = resolve)));
    const batch = activity.track('batch', () => Promise.reject(new Error('refused')));
    expect(activity.current()).toBe('batch');
    await expect(batch).rejects.toThrow('refused');
    expect(activity.current()).toBe('sign-in');
    expect(idle).toBe(0);
    endSignIn();
    await signIn;
    expect(activity.current()).toBeNull();
    expect(idle).toBe(1);
    // Work that throws before it returns a promise still ends.
    await expect(activity.track('batch', () => { throw new Error('at once'); })).rejects.toThrow('at once');
    expect(activity.current()).toBeNull();
  });
});

describe('updates in the AdminService', () => {
  it('holds the admin\'s install while a sign-in is under way, and installs when it ends', async () => {
    const home = await mkdtemp(join(tmpdir(), 'invite-desk-updates-'));
    const silent = await startFakeServer('silent');
    const feed = new StandInFeed();
    const service = createAdminService(home, new MemoryCredentialStore(), { shell: { ...browserShell('0.1.0'), updater: feed }, timeouts: { connectMs: 1_500 } });
    try {
      const { checked } = await finding(feed, () => service.checkForUpdates());
      feed.finishDownload();
      expect(await checked).toMatchObject({ state: 'ready', version: '0.2.0' });

      // A server that accepts and never answers: the sign-in is under way until it times out.
      const signIn = service.connect({ profile: { id: 'quiet', jid: 'admin@quiet.test', address: `127.0.0.1:${silent.port}` }, password: 'secret' });
      signIn.catch(() => undefined);
      expect(await service.installUpdate()).toMatchObject({ state: 'ready', waitingFor: 'sign-in' });
      expect(feed.installs).toBe(0);
      await expect(signIn).rejects.toMatchObject({ code: 'timeout' });
      expect(feed.installs).toBe(1);
    } finally {
      await service.shutdown();
      await silent.close();
      await rm(home, { recursive: true, force: true });
    }
  });

  it('turns automatic checks on and off with the preference, and keeps it', async () => {
    const home = await mkdtemp(join(tmpdir(), 'invite-desk-updates-'));
    const service = createAdminService(home, new MemoryCredentialStore(), { shell: { ...browserShell('0.1.0'), updater: new StandInFeed() } });
    try {
      expect(await service.updateStatus()).toMatchObject({ state: 'idle', automatic: true });
      const events: UpdateStatus[] = [];
      service.on('update-status', (status) => events.push(status));
      expect(await service.setPreferences({ automaticUpdates: false })).toMatchObject({ automaticUpdates: false, connectAtStart: true });
      expect(events.at(-1)).toMatchObject({ automatic: false });
      expect((await createAdminService(home, new MemoryCredentialStore(), { shell: { ...browserShell('0.1.0'), updater: new StandInFeed() } }).updateStatus()).automatic).toBe(false);
    } finally {
      await service.shutdown();
      await rm(home, { recursive: true, force: true });
    }
  });
});
