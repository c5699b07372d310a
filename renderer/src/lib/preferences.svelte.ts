import type { AdminApi, HostInfo, Language, Theme } from '../../../common/api';
import { setLanguage } from './i18n/index.svelte';

export type { Theme };

/**
 * The admin's preferences (theme, language, notifications, updates,
 * connecting at start), kept in the app's settings through the AdminApi so the desktop
 * host can act on them too.
 */
export class Preferences {
  theme = $state<Theme>('system');
  notifications = $state(false);
  automaticUpdates = $state(true);
  connectAtStart = $state(true);
  /** The app's language, or 'system' to follow the system's (the default at first start). */
  language = $state<Language | 'system'>('system');
  private readonly api: AdminApi;
  private readonly host: Promise<HostInfo>;

  constructor(api: AdminApi, host: Promise<HostInfo>) {
    this.api = api;
    this.host = host;
  }

  /** Reads the saved preferences; until then the system theme applies. */
  async load(): Promise<void> {
    const saved = await this.api.getPreferences();
    this.theme = saved.theme;
    this.notifications = saved.notifications;
    this.automaticUpdates = saved.automaticUpdates;
    this.connectAtStart = saved.connectAtStart;
    this.language = saved.language;
    setLanguage(saved.language);
    this.applyTheme();
  }

  async setAutomaticUpdates(on: boolean): Promise<void> {
    this.automaticUpdates = on;
    await this.api.setPreferences({ automaticUpdates: on });
  }

  async setConnectAtStart(on: boolean): Promise<void> {
    this.connectAtStart = on;
    await this.api.setPreferences({ connectAtStart: on });
  }

  async setLanguage(language: Language | 'system'): Promise<void> {
    this.language = language;
    setLanguage(language);
    await this.api.setPreferences({ language });
  }

  async setTheme(theme: Theme): Promise<void> {
    this.theme = theme;
    this.applyTheme();
    await this.api.setPreferences({ theme });
  }

  /** In the browser, turning notifications on asks for the page's permission first; the desktop shows its own. */
  async setNotifications(on: boolean): Promise<boolean> {
    const { nativeNotifications } = await this.host;
    if (on && !nativeNotifications && typeof Notification !== 'undefined' && Notification.permission !== 'granted') {
      on = (await Notification.requestPermission()) === 'granted';
    }
    this.notifications = on;
    await this.api.setPreferences({ notifications: on });
    return on;
  }

  private applyTheme(): void {
    if (this.theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = this.theme;
  }
}
