import { describe, expect, it } from 'vitest';
import xml from '@xmpp/xml';
import StanzaError from '@xmpp/middleware/lib/StanzaError.js';
import type { IqCaller } from '@xmpp/iq/caller.js';
import { describeRequestError } from '../../electron/core/error-messages';
import { runCommand } from '../../electron/core/xmpp/adhoc';

/** An iq caller that answers every request with this error stanza, as a server would. */
function failing(condition: string, text?: string): IqCaller {
  const error = xml('error', { type: 'wait' }, xml(condition, { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }), ...(text ? [xml('text', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }, text)] : []));
  return { request: () => Promise.reject(StanzaError.fromElement(error)) };
}

describe('a command the server fails', () => {
  it("is said in the admin's words, never with the command's node or an error condition", async () => {
    const failure = await runCommand(failing('internal-server-error', "The command failed. The server's log says why."), 'example.org', 'urn:x-invite-desk:invites:0#create', 1000, { count: '2' }, {
      submitFirst: true,
      what: 'creating invites',
    }).then(
      () => new Error('the command succeeded'),
      (error: unknown) => error as Error,
    );
    expect(failure.message).toBe('The server failed while creating invites. Its log says why.');
  });

  it("quotes the server's own short reason, without control characters", () => {
    const error = Object.assign(new Error('x'), { name: 'StanzaError', condition: 'not-acceptable', text: 'Too many\u0000 invites\u202e today' });
    expect(describeRequestError(error, 'creating invites').message).toBe('The server refused while creating invites: “Too many invites today”.');
  });
});
