import type { Registration } from './api';

/** One notification to show; the host (Electron or the page) decides how. */
export interface SignupNotice {
  title: string;
  body: string;
  /** The sign-up to reveal when the notice is clicked: the only one, or the first of a batch. */
  registration: Registration;
}

/**
 * Turns sign-ups into notifications: one per live sign-up, and one for a
 * whole catch-up burst, so reconnecting after a weekend does not fire dozens.
 * Shared by the desktop host (native notifications) and the browser page.
 */
export function createSignupNotifier(options: { show: (notice: SignupNotice) => void; batchMs?: number }): (registration: Registration) => void {
  const batch: Registration[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const domainOf = (registration: Registration): string => registration.jid.slice(registration.jid.indexOf('@') + 1);

  const flush = (): void => {
    timer = null;
    const first = batch[0];
    if (!first) return;
    const domains = [...new Set(batch.map(domainOf))].join(', ');
    options.show(
      batch.length === 1
        ? { title: `New account on ${domains}`, body: first.jid, registration: first }
        : { title: `${batch.length} sign-ups while you were away`, body: `On ${domains}`, registration: first },
    );
    batch.length = 0;
  };

  return (registration) => {
    if (!registration.catchUp) {
      options.show({ title: `New account on ${domainOf(registration)}`, body: registration.jid, registration });
      return;
    }
    batch.push(registration);
    timer ??= setTimeout(flush, options.batchMs ?? 1500);
  };
}
