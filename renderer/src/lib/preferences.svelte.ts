/**
 * The UI's own preferences (theme, notifications). They belong to this
 * window, not to a server, so they live in the page's storage.
 */
export type Theme = 'system' | 'light' | 'dark';

const KEY = 'invite-desk.preferences';

interface Stored {
  theme: Theme;
  notifications: boolean;
}

function load(): Stored {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<Stored>;
    return {
      theme: value.theme === 'light' || value.theme === 'dark' ? value.theme : 'system',
      notifications: value.notifications === true,
    };
  } catch {
    return { theme: 'system', notifications: false };
  }
}

export class Preferences {
  theme = $state<Theme>('system');
  notifications = $state(false);

  constructor() {
    const stored = load();
    this.theme = stored.theme;
    this.notifications = stored.notifications;
    this.applyTheme();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.applyTheme();
    this.save();
  }

  /** Turning notifications on asks the system for permission first. */
  async setNotifications(on: boolean): Promise<boolean> {
    if (on && typeof Notification !== 'undefined' && Notification.permission !== 'granted') {
      on = (await Notification.requestPermission()) === 'granted';
    }
    this.notifications = on;
    this.save();
    return on;
  }

  private applyTheme(): void {
    if (this.theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = this.theme;
  }

  private save(): void {
    localStorage.setItem(KEY, JSON.stringify({ theme: this.theme, notifications: this.notifications }));
  }
}
