import type { Registration } from '../../../common/api';

/**
 * Desktop notifications for sign-ups: one per live sign-up, and one for a
 * whole catch-up burst, so reconnecting after a weekend does not fire dozens.
 */
export function createSignupNotifier(options: {
  enabled: () => boolean;
  domainOf: (serverId: string) => string;
  onclick: (registration: Registration) => void;
  batchMs?: number;
}): (registration: Registration) => void {
  const batch: Registration[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  const show = (title: string, body: string, registration: Registration): void => {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || !options.enabled()) return;
    const notification = new Notification(title, { body, tag: `signup-${registration.serverId}` });
    notification.onclick = () => {
      window.focus();
      options.onclick(registration);
    };
  };

  const flush = (): void => {
    timer = null;
    const first = batch[0];
    if (!first) return;
    const domains = [...new Set(batch.map((r) => options.domainOf(r.serverId)))].join(', ');
    show(batch.length === 1 ? `New account on ${domains}` : `${batch.length} sign-ups while you were away`, batch.length === 1 ? first.jid : `On ${domains}`, first);
    batch.length = 0;
  };

  return (registration) => {
    if (!registration.catchUp) {
      show(`New account on ${options.domainOf(registration.serverId)}`, registration.jid, registration);
      return;
    }
    batch.push(registration);
    timer ??= setTimeout(flush, options.batchMs ?? 1500);
  };
}
