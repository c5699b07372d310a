import { Notification } from 'electron';
import type { JoinRequestsChange, Registration } from '../../common/api';
import { createRequestNotifier } from '../../common/request-notifier';
import { createSignupNotifier } from '../../common/signup-notifier';

/** Shows a notification while the admin has them on; clicking it runs `onclick`. */
function showNative(enabled: () => Promise<boolean>, title: string, body: string, onclick: () => void): void {
  void enabled().then((on) => {
    if (!on || !Notification.isSupported()) return;
    const notification = new Notification({ title, body });
    notification.on('click', onclick);
    notification.show();
  });
}

/**
 * Native notifications for sign-ups, shown by the main process so they work
 * while the window is hidden or minimised. Clicking one brings the window
 * forward and asks the page to reveal that sign-up.
 */
export function nativeSignupNotifier(options: { enabled: () => Promise<boolean>; onclick: (registration: Registration) => void }): (registration: Registration) => void {
  return createSignupNotifier({ show: ({ title, body, registration }) => showNative(options.enabled, title, body, () => options.onclick(registration)) });
}

/** Native notifications for new requests to join; clicking one shows that server's requests. */
export function nativeRequestNotifier(options: { enabled: () => Promise<boolean>; onclick: (serverId: string) => void }): (change: JoinRequestsChange) => void {
  return createRequestNotifier({ show: ({ title, body, serverId }) => showNative(options.enabled, title, body, () => options.onclick(serverId)) });
}
