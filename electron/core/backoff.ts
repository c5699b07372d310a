/** Reconnect delays: exponential with jitter, the first within a second, none over the cap. */
export const FIRST_RETRY_MS = 1_000;
export const MAX_RETRY_MS = 30_000;

/**
 * Delay before reconnect attempt `attempt` (1-based): 1 s, 2 s, 4 s… capped at
 * 30 s, each scaled by a random factor in [0.5, 1) so that many clients
 * dropped by one server restart do not all come back at the same instant.
 */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + random() * 0.5));
}
