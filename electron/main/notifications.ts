import { Notification } from 'electron';
import type { Registration } from '../../common/api';
import { createSignupNotifier } from '../../common/signup-notifier';

/**
 * Native notifications for sign-ups, shown by the main process so they work
 * while the window is hidden or minimised. Clicking one brings the window
 * forward and asks the page to reveal that sign-up.
 */
export function nativeSignupNotifier(options: { enabled: () => Promise<boolean>; onclick: (registration: Registration) => void }): (registration: Registration) => void {
  const notify = createSignupNotifier({
    show: ({ title, body, registration }) => {
      void options.enabled().then((on) => {
        if (!on || !Notification.isSupported()) return;
        const notification = new Notification({ title, body });
        notification.on('click', () => options.onclick(registration));
        notification.show();
      });
    },
  });
  return notify;
}
