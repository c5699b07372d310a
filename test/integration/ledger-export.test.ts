import { describe, expect, it } from 'vitest';
import xml from '@xmpp/xml';
import { prosodyFixture } from '../helpers/fixtures';
import { WITH_INVITE_DESK, type Account, type ProsodyServer } from '../helpers/prosody';
import { NS, createInvites, listInvites, refusal, request, signIn, submitForm, type Fields, type Session } from '../helpers/invite-desk-protocol';
import { registerAccount } from '../helpers/raw-register';
import { profileFor, withTestService } from '../helpers/session';
import { LEDGER_COLUMNS } from '../../electron/core/csv-export';
import { toCsv } from '../../common/csv';
import type { LedgerInvite } from '../../common/api';

/**
 * mod_invite_desk's export of the ledger: read and sorted once, handed out
 * in pages of text by a cursor. The pages hold what the listing shows (but
 * no invite links), and a cursor that is not an open export of this admin,
 * a page size out of range, or a member asking are refused with a clear note.
 */

const admin: Account = { username: 'admin', password: 'admin-password' };
const other: Account = { username: 'other', password: 'other-password' };
const member: Account = { username: 'member', password: 'member-password' };
const EXPORT_NODE = `${NS.invites}#export`;
const CLOSED = 'This export is no longer open: an export ends when read to its end or after two minutes without a page. Start it again.';

interface ExportPage {
  error?: string;
  total?: number;
  cursor?: string;
  rows: Record<string, string>[];
}

const UNESCAPED: Record<string, string> = { t: '\t', n: '\n', r: '\r', '\\': '\\' };

/** One page of the export command, read straight from the stanza. */
async function exportPage(session: Session, fields: Fields): Promise<ExportPage> {
  const reply = await request(session, 'set', xml('command', { xmlns: 'http://jabber.org/protocol/commands', node: EXPORT_NODE, action: 'execute' }, submitForm(NS.invites, fields)));
  const command = reply.getChild('command', 'http://jabber.org/protocol/commands');
  const error = command?.getChildren('note').find((n) => n.attrs.type === 'error');
  if (error) return { error: error.text(), rows: [] };
  const page = command?.getChild('export', NS.invites);
  if (!page) throw new Error('no export in the reply');
  const columns = String(page.attrs.columns).split(' ');
  const rows = page.text() === '' ? [] : page.text().split('\n').map((line) => {
    const cells = line.split('\t');
    return Object.fromEntries(columns.map((c, i) => [c, (cells[i] ?? '').replace(/\\(.)/g, (_, e: string) => UNESCAPED[e] ?? `\\${e}`)]));
  });
  const result: ExportPage = { total: Number(page.attrs.total), rows };
  if (typeof page.attrs.cursor === 'string') result.cursor = page.attrs.cursor;
  return result;
}

async function withSession<T>(server: ProsodyServer, account: Account, work: (session: Session) => Promise<T>): Promise<T> {
  const session = await signIn(server, account, 'export');
  try {
    return await work(session);
  } finally {
    await session.stop();
  }
}

describe('mod_invite_desk: the ledger export', () => {
  const fixture = prosodyFixture({ domain: 'ledger-export.test', admins: [admin, other], users: [member], ...WITH_INVITE_DESK });

  it('hands out the whole ledger, newest first, in pages by a cursor, as the listing shows it but without links', async () => {
    const server = fixture();
    await withSession(server, admin, async (session) => {
      await createInvites(session, { count: 9, note: 'plain' });
      const [odd] = await createInvites(session, { note: 'tab\there, back\\slash, =SUM(A1)', maxUses: 0 });
      await registerAccount({ port: server.c2sPort, domain: server.domain, username: 'exported', password: 'exported-pw', token: odd?.token ?? '' });
      await server.createInviteWithCli();

      const pages: ExportPage[] = [];
      let cursor = '';
      do {
        const page = await exportPage(session, { cursor, limit: '4' });
        expect(page.error).toBeUndefined();
        pages.push(page);
        cursor = page.cursor ?? '';
      } while (cursor !== '');
      const listed = await listInvites(session, { limit: 1000 });
      // Pages of 4 and the rest: 11 invites here, and whatever another test of this file made before.
      expect(listed.total).toBeGreaterThanOrEqual(11);
      expect(pages.map((p) => p.rows.length)).toEqual(Array.from({ length: Math.ceil(listed.total / 4) }, (_, i) => Math.min(4, listed.total - i * 4)));
      expect(pages.every((p) => p.total === listed.total)).toBe(true);
      const rows = pages.flatMap((p) => p.rows);
      expect(rows.map((r) => r.id)).toEqual(listed.rows.map((r) => r.id));
      for (const [i, row] of rows.entries()) {
        const shown = listed.rows[i];
        expect(row).toMatchObject({ kind: shown?.kind, state: shown?.state, created: shown?.created ?? '', expires: shown?.expires ?? '', uses: String(shown?.uses), note: shown?.note ?? '', source: shown?.source ?? '' });
        expect(row['used-by']).toBe(shown?.usedBy.map((u) => [u.jid, u.at, ...u.more].join(' ')).join('\n'));
        expect(row).not.toHaveProperty('uri');
      }
      expect(rows.find((r) => r.id === odd?.id)).toMatchObject({ note: 'tab\there, back\\slash, =SUM(A1)', uses: '1' });
      // Read to its end, the export is gone.
      expect((await exportPage(session, { cursor: `${pages[0]?.cursor?.split(':')[0] ?? ''}:5` })).error).toBe(CLOSED);
    });
  });

  it('refuses a cursor that is not an open export of this admin, a page size out of range, and members', async () => {
    const server = fixture();
    const open = await withSession(server, admin, async (session) => {
      await createInvites(session, { count: 3, note: 'hostile' });
      const first = await exportPage(session, { limit: '1' });
      expect(first.rows).toHaveLength(1);
      for (const cursor of ['nonsense', `${first.cursor ?? ''}0`, `${first.cursor?.split(':')[0] ?? ''}:0`, `${first.cursor?.split(':')[0] ?? ''}:99999999999999999999`, `x:${'9'.repeat(5000)}`, ':2', 'a'.repeat(5000)]) {
        expect((await exportPage(session, { cursor })).error, cursor.slice(0, 40)).toBe(CLOSED);
      }
      for (const limit of ['0', '10001', '99999999999999999999', '-1', 'many']) {
        expect((await exportPage(session, { limit })).error, limit).toBe('Invites per page must be a whole number from 1 to 10000.');
      }
      return first.cursor ?? '';
    });
    // Another admin cannot read this admin's export on.
    await withSession(server, other, async (session) => expect((await exportPage(session, { cursor: open })).error).toBe(CLOSED));
    expect(await refusal(withSession(server, member, (session) => exportPage(session, {})))).toBe('forbidden');
    // Its owner still can, and the server is none the worse.
    await withSession(server, admin, async (session) => {
      const next = await exportPage(session, { cursor: open, limit: '1' });
      expect(next.error).toBeUndefined();
      expect(next.rows).toHaveLength(1);
      expect((await listInvites(session)).total).toBe(next.total);
    });
  });

  it('gives the app the same CSV as paging through the listing would', async () => {
    const server = fixture();
    await withTestService(async (t) => {
      const profile = profileFor(server, admin);
      await t.service.connect({ profile, password: admin.password });
      await t.service.createInvites({ serverId: profile.id, kind: 'account', count: 3, note: '@home\ttabbed \\ and "quoted"' });
      // Every page of the listing: the server holds the other tests' invites too, thousands of them.
      const listed: LedgerInvite[] = [];
      for (let total = Infinity; listed.length < total; ) {
        const page = await t.service.listInvites({ serverId: profile.id, offset: listed.length, limit: 1000 });
        listed.push(...page.invites);
        total = page.total;
      }
      const file = await t.service.exportCsv({ serverId: profile.id, what: 'ledger' });
      expect(file && 'content' in file && file.content).toBe(toCsv(LEDGER_COLUMNS, listed.reverse()));
    });
  });
});

describe('mod_invite_desk: the ledger export of a large ledger', () => {
  // A server of its own: thousands of long invites would change what the other tests' pages hold.
  const large = prosodyFixture({ domain: 'ledger-export-large.test', admins: [admin], ...WITH_INVITE_DESK });

  it('ends a page at 1 MiB of text, before its row limit, and the next page goes on from there', async () => {
    const server = large();
    await withSession(server, admin, async (session) => {
      // Rows of some 650 bytes: 2,000 of them are more than one page may carry.
      for (let batch = 0; batch < 4; batch++) await createInvites(session, { count: 500, note: 'n'.repeat(500) });
      const first = await exportPage(session, { limit: '10000' });
      expect(first.error).toBeUndefined();
      expect(first.cursor).toBeDefined();
      const bytes = (page: ExportPage): number[] => page.rows.map((row) => Object.values(row).join('\t').length + 1);
      const sizes = bytes(first);
      const total = sizes.reduce((sum, size) => sum + size, 0);
      // The row that reaches the bound is the page's last.
      expect(total).toBeGreaterThanOrEqual(1024 * 1024);
      expect(total - (sizes.at(-1) ?? 0)).toBeLessThan(1024 * 1024);
      const second = await exportPage(session, { cursor: first.cursor ?? '', limit: '10000' });
      expect(second.cursor).toBeUndefined();
      const ids = [...first.rows, ...second.rows].map((row) => row.id);
      expect(ids).toHaveLength(first.total ?? 0);
      expect(new Set(ids).size).toBe(ids.length);
    });
  });
});
