import type { AdminEventName, AdminEvents } from './api';
import type { CallEnvelope } from './contract';

/** The browser preview's WebSocket messages: calls one way, replies and events the other. */
export const PREVIEW_API_PATH = '/api';

export interface ClientMessage {
  id: number;
  method: string;
  args: unknown[];
}

export type ServerMessage =
  | ({ id: number } & CallEnvelope)
  | { [E in AdminEventName]: { event: E; payload: AdminEvents[E] } }[AdminEventName];

/** Accepts a call only in its exact shape; argument checking is the dispatcher's job. */
export function parseClientMessage(text: string): ClientMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { id, method, args } = value as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || typeof method !== 'string' || !Array.isArray(args)) return null;
  return { id, method, args };
}
