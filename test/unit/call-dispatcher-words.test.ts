import { describe, expect, it } from 'vitest';
import type { AdminCalls } from '../../common/api';
import { createCallDispatcher } from '../../electron/core/call-dispatcher';

describe('a refused request', () => {
  it('names the field as the forms do, never an internal path such as (0.username)', async () => {
    // Refused before any method is called, so no service is needed.
    const dispatch = createCallDispatcher({} as AdminCalls);
    const reply = await dispatch('createInvites', [{ serverId: 's1', kind: 'reset', username: 'no spaces please' }]);
    const message = 'error' in reply ? reply.error.message : '';
    expect(message).toBe('The account name is not valid: an account name without @, / or spaces.');
    expect(message).not.toMatch(/\(\d+\./);
  });
});
