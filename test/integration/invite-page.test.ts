import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { invitePageGuide } from '../../common/setup-guide';
import { prosodyFixture } from '../helpers/fixtures';
import { startFakeServer, selfSignedCertificate, type FakeServer } from '../helpers/fake-servers';
import { freePort } from '../helpers/ports';
import { PROJECT_PLUGIN_PATH, prosodyFlavour, WITH_INVITE_DESK } from '../helpers/prosody';
import { createTestService, profileFor, type TestService } from '../helpers/session';

/**
 * The invite web page, set up on a real Prosody by the steps the Server tab
 * shows for its version, and the app's check of it; then web servers that
 * answer badly, which the check must read as hostile: it says what is wrong,
 * promptly, and never crashes or hangs.
 */

const exec = promisify(execFile);
const flavour = prosodyFlavour();
const admin = { username: 'admin', password: 'admin-password' };
const domain = 'pages.test';

const prosody = prosodyFixture({
  domain,
  admins: [admin],
  modules: [...WITH_INVITE_DESK.modules, 'admin_shell'],
  // Debian's 0.12 finds prosody-modules where it looks anyway; the private 13 keeps its own.
  pluginPaths: [PROJECT_PLUGIN_PATH, ...(flavour.version === '13' ? [flavour.moduleDir] : [])],
  // The test reaches the web server as 127.0.0.1, which names no host; people reach it by the domain.
  extraConfig: `http_default_host = ${JSON.stringify(domain)}`,
});
const services: TestService[] = [];
const fakes: FakeServer[] = [];
const webServers: Server[] = [];
afterAll(async () => {
  await Promise.all(services.map((s) => s.dispose()));
  await Promise.all(fakes.map((s) => s.close()));
  for (const server of webServers) server.closeAllConnections();
  await Promise.all(webServers.map((s) => new Promise((done) => s.close(done))));
});

async function connected(requestMs = 15_000): Promise<{ t: TestService; serverId: string }> {
  const t = await createTestService({ requestMs });
  services.push(t);
  const profile = profileFor(prosody(), admin);
  await t.service.connect({ profile, password: admin.password });
  return { t, serverId: profile.id };
}

function listen(server: Server): Promise<number> {
  webServers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe(`the invite web page on Prosody ${flavour.version}`, () => {
  it('is set up by the steps the Server tab shows, and the check finds it answering and knowing the invite', async () => {
    const server = prosody();
    const { t, serverId } = await connected();
    const guide = invitePageGuide(domain, (await t.service.serverInfo(serverId)).software);
    expect(guide.series).toBe(flavour.version);
    const [, config, load] = guide.steps;
    expect(config?.code).toContain('http_external_url');
    // The test server's web server answers plain http on loopback; the guide's https address is for a real one.
    await appendFile(server.configPath, `\nhttp_external_url = "http://127.0.0.1:${server.httpPort}/"\n`);
    for (const line of load?.code.split('\n') ?? []) {
      // What `prosodyctl reload` does, to a server that runs without a pid file.
      if (line === 'sudo prosodyctl reload') server.signal('SIGHUP');
      else await exec(flavour.prosodyctl, ['--config', server.configPath, ...line.replace(/^sudo prosodyctl /, '').split(' ')], { timeout: 30_000 });
    }
    const [invite] = await t.service.createInvites({ serverId, kind: 'account' });
    const landing = invite?.landingUrl;
    expect(landing).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.httpPort}/invites_page\\?`));
    expect(await t.service.checkInvitePage({ serverId, url: landing ?? '' })).toEqual({
      ok: true,
      message: `The invite page answers at 127.0.0.1:${server.httpPort}, and knows this invite: a phone's camera can open these links.`,
    });
    const unknown = await t.service.checkInvitePage({ serverId, url: `http://127.0.0.1:${server.httpPort}/invites_page?not-a-token` });
    expect(unknown.ok).toBe(true);
    expect(unknown.message).toContain('does not know this invite');
  });
});

describe('the check of an invite web page reads the answer as hostile', () => {
  it('says what is wrong with a web server that is not the page, one that is not a web server, and one that redirects', async () => {
    const { t, serverId } = await connected();
    const check = (url: string): Promise<{ ok: boolean; message: string }> => t.service.checkInvitePage({ serverId, url });
    const nginx = await startFakeServer('http');
    const garbage = await startFakeServer('garbage');
    fakes.push(nginx, garbage);
    expect(await check(`http://127.0.0.1:${nginx.port}/invites_page?x`)).toMatchObject({ ok: false, message: expect.stringContaining('not with the invite page (HTTP 400)') as string });
    expect(await check(`http://127.0.0.1:${garbage.port}/invites_page?x`)).toMatchObject({ ok: false, message: expect.stringContaining('did not answer as a web server') as string });
    const redirects = await listen(createHttpServer((_, res) => res.writeHead(301, { location: 'https://elsewhere.test/' }).end()));
    expect((await check(`http://127.0.0.1:${redirects}/`)).message).toContain('sends people elsewhere (HTTP 301)');
    const closed = await freePort();
    expect((await check(`http://127.0.0.1:${closed}/`)).message).toContain('the connection was refused');
  });

  it('stops reading a page that never ends, and gives up on one that never answers', async () => {
    const { t, serverId } = await connected(1_500);
    const endless = await listen(
      createHttpServer((_, res) => {
        res.writeHead(200, { 'content-type': 'text/html', link: '<xmpp:evil.test?register;preauth=someone-elses>; rel="alternate"' });
        const flood = (): void => {
          if (!res.destroyed) res.write('<p>'.repeat(10_000), () => setImmediate(flood));
        };
        flood();
      }),
    );
    // It names another invite than the one asked about, so it does not know this one; nothing the page said is repeated.
    const answer = await t.service.checkInvitePage({ serverId, url: `http://127.0.0.1:${endless}/invites_page?mine` });
    expect(answer.message).toContain('does not know this invite');
    expect(answer.message).not.toContain('evil');
    const silent = await startFakeServer('silent');
    fakes.push(silent);
    expect((await t.service.checkInvitePage({ serverId, url: `http://127.0.0.1:${silent.port}/` })).message).toContain('did not answer within 2 s');
  });

  it('says a certificate phones will not trust is the problem', async () => {
    const { t, serverId } = await connected();
    const port = await listen(createHttpsServer(await selfSignedCertificate('localhost'), (_, res) => res.end('<html></html>')));
    const answer = await t.service.checkInvitePage({ serverId, url: `https://localhost:${port}/invites_page?x` });
    expect(answer).toMatchObject({ ok: false });
    expect(answer.message).toContain('a certificate that phones will not trust (DEPTH_ZERO_SELF_SIGNED_CERT)');
  });
});
