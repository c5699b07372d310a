import type { UpdateStatus } from '../../../common/api';
import { AdminError } from '../../../common/errors';
import type { Activity } from '../activity';

/** The release feed as the policy uses it: electron-updater in the desktop app, a stand-in in tests. */
export interface Updater {
  /** Asks the feed: the newer version, or null when the running one is the latest. */
  check(): Promise<string | null>;
  /** Fetches the version `check` found; `progress` hears how much has arrived, 0 to 100. */
  download(progress: (percent: number) => void): Promise<void>;
  /** Quits, installs the downloaded version and starts it. */
  install(): void;
}

/** Where there is no updater, and why, in words for the admin. */
export interface NoUpdater {
  unavailable: string;
}

/** The first check waits a little, so that connecting the saved servers goes first. */
export const FIRST_CHECK_AFTER_MS = 10_000;
export const CHECK_EVERY_MS = 24 * 60 * 60 * 1000;

export interface UpdatePolicyOptions {
  updater: Updater | NoUpdater;
  current: string;
  /** Check at start and daily; otherwise only when the admin asks. */
  automatic: boolean;
  /** What the app is in the middle of: an install waits for it to end. */
  busy: () => Activity | null;
  onStatus: (status: UpdateStatus) => void;
}

type Progress = Omit<UpdateStatus, 'current' | 'automatic' | 'message'>;

const WAITING_FOR: Record<Activity, string> = {
  'sign-in': 'the sign-in in progress ends',
  batch: 'the invites being made are done',
};

/** The first line of what went wrong, short enough to read: a failed download can carry a whole HTTP reply. */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = (text.split('\n')[0] ?? '').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line || 'unknown error';
}

/**
 * When to check for updates, when to install them and what to tell the admin,
 * in plain Node. It checks shortly after start and every day after, while
 * automatic checks are on, and whenever the admin asks; it downloads what it
 * finds. The update installs when the app quits (electron-updater does that)
 * or when the admin says so, but never in the middle of a sign-in or a batch
 * of invites: then it waits for that to end.
 */
export class UpdatePolicy {
  private readonly updater: Updater | NoUpdater;
  private readonly current: string;
  private readonly busy: () => Activity | null;
  private readonly onStatus: (status: UpdateStatus) => void;
  private automatic: boolean;
  private progress: Progress = { state: 'idle' };
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<UpdateStatus> | null = null;
  private installWanted = false;
  /** Why the last check, download or install failed. */
  private failure = '';

  constructor(options: UpdatePolicyOptions) {
    this.updater = options.updater;
    this.current = options.current;
    this.automatic = options.automatic;
    this.busy = options.busy;
    this.onStatus = options.onStatus;
    if ('unavailable' in this.updater) this.progress = { state: 'unavailable' };
  }

  get status(): UpdateStatus {
    return { ...this.progress, current: this.current, automatic: this.automatic, message: this.message() };
  }

  /** The app has started: the first automatic check comes shortly. */
  start(): void {
    if (this.automatic) this.schedule(FIRST_CHECK_AFTER_MS);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  setAutomatic(on: boolean): void {
    this.automatic = on;
    if (!on) this.stop();
    else if (!this.timer && !this.checking) this.schedule(FIRST_CHECK_AFTER_MS);
    this.onStatus(this.status);
  }

  /** Checks now (joining a check under way), and downloads what it finds. */
  check(): Promise<UpdateStatus> {
    const updater = this.updater;
    if ('unavailable' in updater || this.progress.state === 'ready') return Promise.resolve(this.status);
    this.checking ??= this.checkAndDownload(updater).finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  /** The admin's word: install the downloaded update now, or as soon as the app is not in the middle of something. */
  install(): UpdateStatus {
    if (this.progress.state !== 'ready') throw new AdminError('invalid-input', 'No update is ready to install. Check for updates first.');
    this.installWanted = true;
    this.installWhenIdle();
    return this.status;
  }

  /** The sign-in or batch that an install waited for has ended. */
  idle(): void {
    if (this.installWanted) this.installWhenIdle();
  }

  private installWhenIdle(): void {
    const { version } = this.progress;
    const busy = this.busy();
    if (busy) {
      this.set(version === undefined ? { state: 'ready', waitingFor: busy } : { state: 'ready', version, waitingFor: busy });
      return;
    }
    this.installWanted = false;
    try {
      (this.updater as Updater).install();
    } catch (error) {
      this.fail(error);
    }
  }

  private async checkAndDownload(updater: Updater): Promise<UpdateStatus> {
    this.stop();
    this.set({ state: 'checking' });
    try {
      const version = await updater.check();
      const checkedAt = new Date().toISOString();
      if (version === null) {
        this.set({ state: 'none', checkedAt });
      } else {
        this.set({ state: 'available', version, checkedAt });
        this.set({ state: 'downloading', version, checkedAt, percent: 0 });
        await updater.download((percent) => this.set({ state: 'downloading', version, checkedAt, percent: Math.max(0, Math.min(100, Math.round(percent))) }));
        this.set({ state: 'ready', version, checkedAt });
      }
    } catch (error) {
      this.fail(error);
    }
    // A downloaded update waits to be installed; anything else is checked again tomorrow.
    if (this.automatic && this.progress.state !== 'ready') this.schedule(CHECK_EVERY_MS);
    return this.status;
  }

  private fail(error: unknown): void {
    this.failure = reasonOf(error);
    this.set({ state: 'error' });
  }

  private schedule(delay: number): void {
    this.stop();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.check();
    }, delay);
    // A pending check never keeps the process alive.
    this.timer.unref();
  }

  private set(progress: Progress): void {
    this.progress = progress;
    this.onStatus(this.status);
  }

  private message(): string {
    const { state, version, percent, waitingFor } = this.progress;
    const named = `Invite Desk ${version ?? ''}`.trim();
    switch (state) {
      case 'unavailable':
        return (this.updater as NoUpdater).unavailable;
      case 'idle':
        return this.automatic
          ? `Invite Desk ${this.current} checks for updates when it starts and once a day.`
          : `Automatic checks are off: Invite Desk ${this.current} looks for updates only when you ask. Updates can carry security fixes, so check now and then.`;
      case 'checking':
        return 'Checking for updates…';
      case 'none':
        return `Invite Desk ${this.current} is the latest version.`;
      case 'available':
        return `${named} is available. Downloading it…`;
      case 'downloading':
        return `Downloading ${named}: ${percent ?? 0} %.`;
      case 'ready':
        return waitingFor
          ? `${named} installs as soon as ${WAITING_FOR[waitingFor]}, then Invite Desk restarts.`
          : `${named} is ready. It installs when you quit Invite Desk, or now with Restart to update.`;
      case 'error':
        return `Could not update: ${this.failure}. ${this.automatic ? 'Invite Desk tries again tomorrow, or now with Check for updates.' : 'Check for updates tries again.'}`;
    }
  }
}
