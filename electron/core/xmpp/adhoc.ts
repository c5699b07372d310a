import xml, { type Element } from '@xmpp/xml';
import type { IqCaller } from '@xmpp/iq/caller.js';
import { AdminError } from '../../../common/errors';
import { describeRequestError } from '../error-messages';
import { booleanValue, findDataForm, submitForm, type DataForm, type SubmitValue } from './dataform';
import { NS_COMMANDS } from './disco';

/** XEP-0050 ad-hoc commands: one general executor for every command the app runs. */

export type CommandAction = 'execute' | 'next' | 'prev' | 'complete' | 'cancel';
export type CommandStatus = 'executing' | 'completed' | 'canceled';

export interface CommandNote {
  type: 'info' | 'warn' | 'error';
  text: string;
}

export interface CommandStage {
  node: string;
  status: CommandStatus;
  sessionid?: string;
  form?: DataForm;
  notes: CommandNote[];
  /** Actions the server allows next, and the one it would take by default. */
  actions: { allowed: CommandAction[]; execute?: CommandAction };
  /** The command's own payload: child elements other than notes, actions and data forms. */
  payload: Element[];
}

const ACTIONS: readonly string[] = ['execute', 'next', 'prev', 'complete', 'cancel'];
const STATUSES: readonly string[] = ['executing', 'completed', 'canceled'];

export interface CommandRequest {
  action?: CommandAction;
  sessionid?: string;
  form?: Element;
  /** What the command does, in an admin's words ("creating invites"), for a failure's message: never its node. */
  what?: string;
}

function parseStage(node: string, reply: Element): CommandStage {
  const command = reply.getChild('command', NS_COMMANDS);
  if (!command) throw new AdminError('server-error', `The server answered the command ${node} without a command result. Check the server's log.`);
  const status = command.attrs.status ?? '';
  if (!STATUSES.includes(status)) throw new AdminError('server-error', `The server answered the command ${node} with an unknown status.`);
  const notes: CommandNote[] = command.getChildren('note').slice(0, 100).map((n) => {
    const type = n.attrs.type === 'warn' || n.attrs.type === 'error' ? n.attrs.type : 'info';
    return { type, text: n.text().slice(0, 2000) };
  });
  const actionsElement = command.getChild('actions');
  const allowed = (actionsElement?.getChildElements() ?? []).map((a) => a.name).filter((a): a is CommandAction => ACTIONS.includes(a));
  const payload = command.getChildElements().filter((child) => !['note', 'actions', 'x'].includes(child.name));
  const stage: CommandStage = { node, status: status as CommandStatus, notes, actions: { allowed }, payload };
  const execute = actionsElement?.attrs.execute;
  if (execute !== undefined && ACTIONS.includes(execute)) stage.actions.execute = execute as CommandAction;
  const sessionid = command.attrs.sessionid;
  if (typeof sessionid === 'string' && sessionid.length <= 1000) stage.sessionid = sessionid;
  const form = findDataForm(command);
  if (form) stage.form = form;
  return stage;
}

/**
 * Sends one stage of a command and reads the reply. Prosody reports failures
 * as a completed command with `<note type='error'>`, so such a note becomes
 * an AdminError here, as an iq error does.
 */
export async function commandStage(iq: IqCaller, to: string, node: string, request: CommandRequest, timeoutMs: number): Promise<CommandStage> {
  const attrs: Record<string, string | undefined> = { xmlns: NS_COMMANDS, node, action: request.action ?? 'execute', sessionid: request.sessionid };
  let reply: Element;
  try {
    reply = await iq.request(xml('iq', { type: 'set', to }, xml('command', attrs, request.form)), timeoutMs);
  } catch (error) {
    throw describeRequestError(error, request.what ?? 'running a command on the server');
  }
  const stage = parseStage(node, reply);
  const failure = stage.notes.find((n) => n.type === 'error');
  if (failure) {
    // Another admin changed it first (mod_invite_desk flags it in the form): the note says who and when.
    if (stage.form && booleanValue(stage.form, 'conflict') === true) throw new AdminError('conflict', failure.text);
    const code = /permission/i.test(failure.text) ? 'not-admin' : 'server-error';
    throw new AdminError(code, `The server refused: ${failure.text}`);
  }
  return stage;
}

/**
 * Runs a command to completion, submitting `values` to the first form the
 * server asks for (or directly with the first request when `submitFirst` is
 * set, which saves a round trip on Prosody). Cancels the session if the
 * server asks for more than the caller can give.
 */
export async function runCommand(
  iq: IqCaller,
  to: string,
  node: string,
  timeoutMs: number,
  values?: Record<string, SubmitValue>,
  options: { formType?: string; submitFirst?: boolean; what?: string } = {},
): Promise<CommandStage> {
  const form = values ? submitForm(values, options.formType) : undefined;
  const what = options.what;
  let stage = await commandStage(iq, to, node, options.submitFirst && form ? { form, what } : { what }, timeoutMs);
  let submitted = options.submitFirst === true && form !== undefined;
  while (stage.status === 'executing') {
    if (submitted || !form) {
      await commandStage(iq, to, node, { action: 'cancel', sessionid: stage.sessionid }, timeoutMs).catch(() => undefined);
      throw new AdminError('server-error', `The server asked for more than Invite Desk knows how to answer while ${what ?? 'running a command'}. Check that the server's modules are the versions Invite Desk supports.`);
    }
    const action = stage.actions.execute ?? (stage.actions.allowed.includes('complete') ? 'complete' : 'execute');
    stage = await commandStage(iq, to, node, { action, sessionid: stage.sessionid, form, what }, timeoutMs);
    submitted = true;
  }
  if (stage.status === 'canceled') throw new AdminError('server-error', `The server stopped while ${what ?? 'running a command'} before it was done. Try again.`);
  return stage;
}

/**
 * The form of a command's first stage, for what it shows as defaults (a
 * setting's current value, the choices it offers); the session is then
 * cancelled, without waiting for the answer.
 */
export async function peekCommandForm(iq: IqCaller, to: string, node: string, timeoutMs: number, what?: string): Promise<DataForm | undefined> {
  const stage = await commandStage(iq, to, node, what === undefined ? {} : { what }, timeoutMs);
  if (stage.sessionid) void commandStage(iq, to, node, { action: 'cancel', sessionid: stage.sessionid }, timeoutMs).catch(() => undefined);
  return stage.form;
}
