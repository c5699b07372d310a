import type { AdminCalls } from '../../common/api';
import { isAdminMethod, type CallEnvelope } from '../../common/contract';
import { AdminError, toAdminErrorShape } from '../../common/errors';
import type { z } from 'zod';
import { callArgumentSchemas } from '../../common/schemas';
import { logUnexpected } from './diagnostics/error-log';

/** The fields of requests as the forms label them. */
const FIELD_NAMES: Record<string, string> = {
  jid: 'account',
  username: 'account name',
  password: 'password',
  address: 'server address',
  count: 'number of invites',
  expiresInSeconds: 'expiry',
  maxUses: 'use limit',
  note: 'note',
  role: 'role',
  kind: 'kind of invite',
  ids: 'list of invites',
  jids: 'list of accounts',
  policy: 'registration policy',
  url: 'web page address',
  welcome: 'welcome text',
  apps: 'list of apps',
  registrationTemplate: 'sign-up message template',
  suggestedName: 'file name',
};

/**
 * A refused value in an admin's words, where the schema gives none of its
 * own: zod's defaults read "Too big: expected string to have <=1023 characters".
 */
function inWords(issue: z.core.$ZodRawIssue): string | undefined {
  const limit = (n: unknown): string => (typeof n === 'number' || typeof n === 'bigint' ? n.toLocaleString('en') : String(n));
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'string' ? `it may have at most ${limit(issue.maximum)} characters` : issue.origin === 'array' ? `at most ${limit(issue.maximum)} at once` : `it may be at most ${limit(issue.maximum)}`;
    case 'too_small':
      return issue.origin === 'string' ? (issue.minimum === 1 ? 'it is empty' : `it needs at least ${limit(issue.minimum)} characters`) : issue.origin === 'array' ? 'none was given' : `it must be at least ${limit(issue.minimum)}`;
    case 'invalid_type':
      return issue.input === undefined ? 'it is missing' : `it is not ${issue.expected === 'number' || issue.expected === 'int' ? 'a whole number' : `a ${issue.expected}`}`;
    case 'invalid_value':
      return 'it is not one of the choices';
    case 'unrecognized_keys':
      return 'the request has fields Invite Desk does not know; reload the window';
    default:
      return 'it is not in the form expected';
  }
}

export type CallDispatcher = (method: unknown, args: unknown) => Promise<CallEnvelope>;

/**
 * The one way a host turns an untrusted message into an `AdminApi` call: the
 * method must be in the contract and its arguments must pass its schema.
 * Whatever happens, the caller gets an envelope, never an exception.
 */
export function createCallDispatcher(api: AdminCalls): CallDispatcher {
  return async (method, args) => {
    try {
      if (!isAdminMethod(method)) throw new AdminError('invalid-input', 'Invite Desk received a request it does not know. Reload the window.');
      const parsed = callArgumentSchemas[method].safeParse(args, { error: inWords });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        // A path such as `0.username` means nothing to the admin: name the field as the forms do.
        const field = issue?.path.findLast((key): key is string => typeof key === 'string' && key in FIELD_NAMES);
        const what = field ? `The ${FIELD_NAMES[field]} is not valid` : 'Some of the details are not valid';
        throw new AdminError('invalid-input', `${what}: ${issue?.message ?? 'check them and try again'}.`);
      }
      const call = api[method] as (...callArgs: unknown[]) => Promise<unknown>;
      const result = await call.apply(api, parsed.data as unknown[]);
      return { result: result ?? null };
    } catch (error) {
      if (error instanceof AdminError) return { error: error.toJSON() };
      // Not one of ours: keep its cause in the log, and tell the admin where.
      const shape = toAdminErrorShape(error);
      return { error: { ...shape, message: `${shape.message}${logUnexpected(`calling ${String(method)}`, error)}` } };
    }
  };
}
