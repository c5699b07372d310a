import type { IqCaller } from '@xmpp/iq/caller.js';

/** What a feature needs of an open admin session. */
export interface SessionContext {
  serverId: string;
  /** The bare JID the session is signed in with. */
  account: string;
  /** The host being administered: where commands are sent. */
  domain: string;
  iq: IqCaller;
  timeoutMs: number;
  /** Ad-hoc nodes the server offers this account. */
  commands: ReadonlySet<string>;
}
