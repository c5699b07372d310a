import { afterAll, beforeAll } from 'vitest';
import { startProsody, type ProsodyOptions, type ProsodyServer } from './prosody';

/**
 * A Prosody for the whole file: started before the first test, stopped after
 * the last even when tests fail. Call the returned function inside a test.
 */
export function prosodyFixture(options: ProsodyOptions): () => ProsodyServer {
  let server: ProsodyServer | undefined;
  beforeAll(async () => {
    server = await startProsody(options);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('the Prosody fixture did not start; see the beforeAll error');
    return server;
  };
}
