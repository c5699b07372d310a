import xml, { type Element } from '@xmpp/xml';
import type { IqCaller } from '@xmpp/iq/caller.js';
import { AdminError } from '../../../common/errors';
import { NS_COMMANDS } from './disco';

const NS_DATA = 'jabber:x:data';
const MAX_VALUES = 10_000;
const MAX_VALUE_LENGTH = 100_000;

export interface CommandResult {
  status: string;
  /** Field values of the form the command returned, by `var`. */
  fields: Map<string, string[]>;
}

/**
 * Runs a single-stage ad-hoc command (XEP-0050). Prosody reports a failed
 * command as a completed one with `<note type='error'>`, so that becomes an
 * error here too.
 */
export async function executeCommand(iq: IqCaller, to: string, node: string, timeoutMs: number): Promise<CommandResult> {
  const reply = await iq.request(xml('iq', { type: 'set', to }, xml('command', { xmlns: NS_COMMANDS, node, action: 'execute' })), timeoutMs);
  const command = reply.getChild('command', NS_COMMANDS);
  if (!command) throw new AdminError('server-error', `The server answered the command ${node} with something Invite Desk does not understand.`);
  const errorNote = command.getChildren('note').find((n) => n.attrs.type === 'error');
  if (errorNote) throw new AdminError('server-error', `The server refused: ${errorNote.text().slice(0, 500)}`);
  return { status: command.attrs.status ?? '', fields: readFormFields(command.getChild('x', NS_DATA)) };
}

export function readFormFields(form: Element | undefined): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  if (!form) return fields;
  for (const field of form.getChildren('field')) {
    const name = field.attrs.var;
    if (typeof name !== 'string') continue;
    fields.set(
      name,
      field
        .getChildren('value')
        .slice(0, MAX_VALUES)
        .map((v) => v.text().slice(0, MAX_VALUE_LENGTH)),
    );
  }
  return fields;
}
