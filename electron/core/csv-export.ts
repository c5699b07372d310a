import type { ActivityPage, AdminActivity, CsvExportRequest, LedgerInvite, Registration } from '../../common/api';
import { describeActivity } from '../../common/activity';
import { toCsv } from '../../common/csv';

/** What a CSV export reads: the ledger (newest first, at most MAX_EXPORT_ROWS) and the activity log (page by page) from the server, sign-ups from what the app holds. */
export interface CsvSources {
  ledger(): Promise<LedgerInvite[]>;
  activity(offset: number, limit: number, start?: string, end?: string): Promise<ActivityPage>;
  signups(): Promise<Registration[]>;
}

export const PAGE = 1000;
/** The most rows one file holds: far more than any community's ledger, and a bound on memory. */
export const MAX_EXPORT_ROWS = 200_000;

/** Times in the file: ISO 8601 in UTC, to the second. */
const utc = (iso: string | undefined): string | undefined => (iso ? new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined);

/** Whether `iso` falls in [start, end] (either may be open). */
function within(iso: string | undefined, start?: string, end?: string): boolean {
  if (!iso) return start === undefined && end === undefined;
  const t = Date.parse(iso);
  return (start === undefined || t >= Date.parse(start)) && (end === undefined || t <= Date.parse(end));
}

/** Every row `read` gives, a page of PAGE at a time from `offset`, up to `most`. */
export async function everyPage<T>(read: (offset: number) => Promise<{ total: number; rows: T[] }>, most = MAX_EXPORT_ROWS): Promise<T[]> {
  const all: T[] = [];
  for (let offset = 0; offset < most; offset += PAGE) {
    const { total, rows } = await read(offset);
    all.push(...rows);
    if (rows.length === 0 || offset + rows.length >= total) break;
  }
  return all.slice(0, most);
}

export const LEDGER_COLUMNS = [
  ['Id', (i: LedgerInvite) => i.id],
  ['Kind', (i: LedgerInvite) => i.kind],
  ['State', (i: LedgerInvite) => i.state],
  ['Created', (i: LedgerInvite) => utc(i.createdAt)],
  ['Created by', (i: LedgerInvite) => i.createdBy ?? i.source],
  ['Expires', (i: LedgerInvite) => utc(i.expires)],
  ['Uses', (i: LedgerInvite) => i.uses.length],
  ['Use limit', (i: LedgerInvite) => i.maxUses],
  ['Used by', (i: LedgerInvite) => i.uses.map((u) => `${u.jid} ${utc(u.at) ?? ''}`).join('; ')],
  ['Note', (i: LedgerInvite) => i.note],
  ['Account', (i: LedgerInvite) => i.username],
  ['Role', (i: LedgerInvite) => i.role],
] as const;

const SIGNUP_COLUMNS = [
  ['Time', (r: Registration) => utc(r.time)],
  ['Account', (r: Registration) => r.jid],
  ['IP address', (r: Registration) => r.ip],
  ['Invite', (r: Registration) => r.invite],
  ['Invited by', (r: Registration) => r.inviter],
  ['Note', (r: Registration) => r.note],
  ['Role', (r: Registration) => r.role],
] as const;

const ACTIVITY_COLUMNS = [
  ['Time', (e: AdminActivity) => utc(e.time)],
  ['Admin', (e: AdminActivity) => e.by ?? 'server'],
  ['Kind', (e: AdminActivity) => e.kind],
  ['What', (e: AdminActivity) => describeActivity(e)],
  ['Accounts', (e: AdminActivity) => e.accounts.join('; ')],
  ['Invites', (e: AdminActivity) => e.invites.join('; ')],
] as const;

/** The file for `request`: its rows in the chosen period (by creation for invites), oldest first. */
export async function exportCsv(request: Omit<CsvExportRequest, 'serverId'>, sources: CsvSources): Promise<string> {
  const { start, end } = request;
  switch (request.what) {
    case 'ledger': {
      const invites = await sources.ledger();
      return toCsv(LEDGER_COLUMNS, invites.filter((i) => within(i.createdAt, start, end)).reverse());
    }
    case 'activity': {
      const entries = await everyPage(async (offset) => {
        const page = await sources.activity(offset, PAGE, start, end);
        return { total: page.total, rows: page.entries };
      });
      return toCsv(ACTIVITY_COLUMNS, entries.reverse());
    }
    case 'signups':
      return toCsv(SIGNUP_COLUMNS, (await sources.signups()).filter((r) => within(r.time, start, end)));
  }
}
