import type { AdminApi, UpdateStatus } from '../../../common/api';
import { toAdminErrorShape, type AdminErrorShape } from '../../../common/errors';

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
