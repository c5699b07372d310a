import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { InvitePageCheck } from '../../../common/api';

/** Enough of a page to know what it is; the rest is never read. */
const MAX_BODY = 64 * 1024;
const MAX_HEADERS = 16 * 1024;

const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the name does not resolve',
  EAI_AGAIN: 'the name could not be looked up',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
};

interface Answer {
  status: number;
  html: boolean;
  /** The page names this invite's xmpp: link, as mod_invites_page does for an invite it knows. */
  namesInvite: boolean;
}

/** Whether a Link header names an xmpp: link (rel alternate) with a token that is also in the page's own address. */
function namesInviteOf(link: string, url: URL): boolean {
  const token = /<xmpp:[^>]*[?;]preauth=([A-Za-z0-9_-]+)[^>]*>\s*;\s*rel="?alternate"?/i.exec(link)?.[1];
  return token !== undefined && (url.search + url.pathname).includes(token);
}

/**
 * Asks for the page once, treating whatever comes back as hostile: no
 * redirect is followed, headers and body are capped, the whole exchange has
 * a deadline, and nothing the server sent is repeated to the admin but its
 * status code.
 */
function fetchPage(url: URL, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'GET', maxHeaderSize: MAX_HEADERS, headers: { accept: 'text/html' } }, (response: IncomingMessage) => {
      const type = response.headers['content-type'] ?? '';
      // Node joins repeated Link headers into one string, or hands an array from a hostile server: read them all as one.
      const link = ([] as string[]).concat(response.headers.link ?? []).join(', ');
      const answer: Answer = {
        status: response.statusCode ?? 0,
        html: /^text\/html\b/i.test(type),
        namesInvite: namesInviteOf(link, url),
      };
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read >= MAX_BODY) {
          req.destroy();
          resolve(answer);
        }
      });
      response.on('end', () => resolve(answer));
      response.on('error', () => resolve(answer));
    });
    const deadline = setTimeout(() => req.destroy(Object.assign(new Error('no answer in time'), { code: 'TIMEOUT' })), timeoutMs);
    req.on('close', () => clearTimeout(deadline));
    req.on('error', reject);
    req.end();
  });
}

/** Whether an invite's web page answers as one, in words for the admin. */
export async function checkInvitePage(address: string, timeoutMs: number): Promise<InvitePageCheck> {
  const url = new URL(address);
  const where = url.host;
  let answer: Answer;
  try {
    answer = await fetchPage(url, timeoutMs);
  } catch (error) {
    const { code = '' } = error as { code?: string };
    if (UNTRUSTED.has(code)) {
      return { ok: false, message: `${where} answers, but with a certificate that phones will not trust (${code}). Give its https address a certificate from a public authority, such as Let's Encrypt.` };
    }
    if (code === 'TIMEOUT') return { ok: false, message: `${where} did not answer within ${Math.round(timeoutMs / 1000)} s. Check that Prosody's web server, or the proxy in front of it, listens there.` };
    if (code in NETWORK) return { ok: false, message: `${where} could not be reached: ${NETWORK[code]}. Check the address in http_external_url, and that Prosody's web server (or the proxy in front of it) listens there.` };
    return { ok: false, message: `${where} did not answer as a web server. Check the address in http_external_url.` };
  }
  if (answer.status >= 300 && answer.status < 400) {
    return { ok: false, message: `The page sends people elsewhere (HTTP ${answer.status}). Set http_external_url to the address people reach, with https, so the link on a card needs no redirect.` };
  }
  if (answer.status !== 200 || !answer.html) {
    return { ok: false, message: `${where} answers, but not with the invite page (HTTP ${answer.status}). Check that invites_page is loaded on this host and that http_external_url points at Prosody's web server.` };
  }
  if (!answer.namesInvite) {
    return { ok: true, message: `The invite page answers at ${where}, but does not know this invite: it may have been used, revoked or have expired. Check the link of a new invite to be sure.` };
  }
  return { ok: true, message: `The invite page answers at ${where}, and knows this invite: a phone's camera can open these links.` };
}
