import type { AdminCalls } from '../../common/api';
import { isAdminMethod, type CallEnvelope } from '../../common/contract';
import { AdminError, toAdminErrorShape } from '../../common/errors';
import { callArgumentSchemas } from '../../common/schemas';
import { logUnexpected } from './diagnostics/error-log';

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
      const parsed = callArgumentSchemas[method].safeParse(args);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
        throw new AdminError('invalid-input', `Some of the details are not valid${where}: ${issue?.message ?? 'check them and try again'}.`);
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
