import { startProsody } from '../test/helpers/prosody';
import { benchConnect } from './connect';
import { benchInvites } from './invites';
import { benchSignups } from './signups';
import { benchModule } from './invite-desk';
import { benchUi } from './ui';

/**
 * `npm run bench`: what an admin waits for, each figure next to a baseline
 * measured in the same run on the same machine (absolute times on shared
 * machines are noise). Medians of several rounds; set BENCH_ROUNDS for more.
 */
const sections: [string, (server: Awaited<ReturnType<typeof startProsody>>) => Promise<string[]>][] = [
  ['Signing in', benchConnect],
  ['Sign-ups', benchSignups],
  ['Invites on stock Prosody', benchInvites],
  ['mod_invite_desk', () => benchModule()],
  ['The UI', () => benchUi()],
];

const only = process.argv.slice(2);
const server = await startProsody({ domain: 'bench.test' });
try {
  for (const [title, bench] of sections) {
    if (only.length > 0 && !only.some((o) => title.toLowerCase().includes(o.toLowerCase()))) continue;
    console.log(`${title}:`);
    for (const line of await bench(server)) console.log(line);
  }
} finally {
  await server.stop();
}
