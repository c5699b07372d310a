import type { AdminApi, UpdateStatus } from '../../../common/api';
import { toAdminErrorShape, type AdminErrorShape } from '../../../common/errors';
import { t } from './i18n/index.svelte';

/** The updater's state as the backend reports it, and the admin's two actions on it. */
export class Updates {
  status = $state<UpdateStatus | null>(null);
  error = $state<AdminErrorShape | null>(null);
  private readonly api: AdminApi;

  constructor(api: AdminApi) {
    this.api = api;
  }

  async load(): Promise<void> {
    this.api.on('update-status', (status) => (this.status = status));
    await this.run(() => this.api.updateStatus());
  }

  check(): Promise<void> {
    return this.run(() => this.api.checkForUpdates());
  }

  install(): Promise<void> {
    return this.run(() => this.api.installUpdate());
  }

  private async run(call: () => Promise<UpdateStatus>): Promise<void> {
    this.error = null;
    try {
      this.status = await call();
    } catch (failure) {
      this.error = toAdminErrorShape(failure);
    }
  }
}

/**
 * Where the updater stands, in the app's language, from the state and its
 * figures. For a failure, and for a copy that does not update itself, the
 * backend's own words (the reason) are shown beside it.
 */
export function updateText(status: UpdateStatus): string {
  const version = status.state === 'idle' || status.state === 'none' ? status.current : (status.version ?? '');
  switch (status.state) {
    case 'ready':
      return t('update.ready', { version, waiting: status.waitingFor === 'sign-in' ? 'signin' : (status.waitingFor ?? 'none') });
    case 'downloading':
      return t('update.downloading', { version, percent: status.percent ?? 0 });
    case 'idle':
    case 'error':
      return t(`update.${status.state}`, { version, automatic: status.automatic });
    default:
      return t(`update.${status.state}`, { version });
  }
}
