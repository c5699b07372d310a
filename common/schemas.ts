import { z } from 'zod';
import { parseAccountJid, parseServerAddress } from './address';
import { MAX_INVITES_PER_CALL, ONBOARDING_LIMITS } from './limits';
import { ACTIVITY_KINDS } from './activity';
import type { AdminCalls, AdminMethod } from './api';

/**
 * Runtime checks for everything that crosses a process or network boundary
 * into a host. Types say what the UI should send; these say what is accepted.
 */

/**
 * Server ids become keys (of maps, of settings records): starting with a
 * letter or digit keeps out `__proto__` and its kin, and the hosts key by
 * them only in Maps or null-prototype records.
 */
export const serverIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash or underscore, starting with a letter or digit');
const serverId = serverIdSchema;
const fingerprint = z.string().regex(/^(?:[0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'a SHA-256 fingerprint (32 hex pairs)');

export const serverProfileSchema = z.strictObject({
  id: serverId,
  jid: z.string().max(3071).refine((v) => parseAccountJid(v) !== null, 'an account JID such as admin@example.org'),
  address: z
    .string()
    .max(300)
    .refine((v) => v.trim() === '' || parseServerAddress(v) !== null, 'host or host:port')
    .optional(),
  directTls: z.boolean().optional(),
  trustedFingerprint: fingerprint.optional(),
  registrationTemplate: z
    .string()
    .max(1000)
    .refine((v) => v.includes('$username'), 'a template containing $username')
    .optional(),
});

const connectRequest = z.strictObject({
  profile: serverProfileSchema,
  password: z.string().min(1).max(1024).optional(),
});

export { MAX_INVITES_PER_CALL };

const username = z.string().min(1).max(1023).regex(/^[^\s@/"&'<>:]+$/, 'an account name without @, / or spaces');

const accountJid = z.string().max(3071).refine((v) => parseAccountJid(v) !== null, 'an account JID such as name@example.org');

export const onboardingSetSchema = z.strictObject({
  rooms: z.array(accountJid).max(ONBOARDING_LIMITS.rooms),
  contacts: z.array(accountJid).max(ONBOARDING_LIMITS.contacts),
  welcome: z.string().max(ONBOARDING_LIMITS.welcome),
  welcomeFrom: accountJid.optional(),
});

const createInvitesRequest = z.strictObject({
  serverId,
  kind: z.enum(['account', 'contact', 'reset']),
  count: z.number().int().min(1).max(MAX_INVITES_PER_CALL).optional(),
  expiresInSeconds: z.number().int().min(0).max(100 * 365 * 86400).optional(),
  maxUses: z.number().int().min(0).max(1_000_000).optional(),
  note: z.string().max(500).optional(),
  username: username.optional(),
  // Prosody 13 also has roles an admin defines (custom_roles), named freely.
  role: z.string().regex(/^[\w.:-]{1,100}$/, 'a role such as prosody:member').optional(),
  needsApproval: z.boolean().optional(),
  onboarding: onboardingSetSchema.optional(),
});

const policy = z.enum(['open', 'approval', 'invite-only', 'closed']);
const inviteId = z.string().regex(/^[0-9a-f]{16}$/, 'an invite id');

/** An http or https address without credentials in it, such as an invite's web page. */
const webAddress = z
  .string()
  .max(2000)
  .refine((v) => {
    try {
      const url = new URL(v);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
    } catch {
      return false;
    }
  }, 'a web address starting with https://');

const accountRequest = z.strictObject({ serverId, jid: accountJid });

const joinDecision = z.strictObject({
  serverId,
  jids: z.array(accountJid).min(1).max(10_000).optional(),
  all: z.literal(true).optional(),
  keepDisabled: z.boolean().optional(),
});
/** Some accounts or all of them, never neither nor both. */
const someOrAll = (request: { jids?: string[] | undefined; all?: true | undefined }): boolean => (request.jids === undefined) !== (request.all === undefined);
const SOME_OR_ALL = 'name the accounts, or all of them';

/** A member of the server, named like any account. */
const memberRequest = accountRequest;

const memberInviteRules = z.strictObject({
  serverId,
  who: z.enum(['admins', 'members', 'role']),
  role: z.string().regex(/^[\w.:-]{1,100}$/, 'a role such as prosody:member').optional(),
  perPeriod: z.number().int().min(0).max(100_000),
  periodDays: z.number().int().min(1).max(3650),
  maxPending: z.number().int().min(0).max(100_000),
  minAgeDays: z.number().int().min(0).max(3650),
  roles: z.array(z.string().max(100)).max(100).optional(),
});

export const preferencesSchema = z.strictObject({
  theme: z.enum(['system', 'light', 'dark']),
  notifications: z.boolean(),
  automaticUpdates: z.boolean(),
  connectAtStart: z.boolean(),
  language: z.enum(['system', 'en', 'de', 'fr', 'en-XA']),
});

export const printKitTextSchema = z.strictObject({
  serverId,
  welcome: z.string().max(300),
  apps: z.string().max(1000),
  /** The cards' own language, apart from the app's; absent means the app's. */
  language: z.enum(['en', 'de', 'fr', 'en-XA']).optional(),
});

export const studioChoicesSchema = z.strictObject({
  serverId,
  kind: z.enum(['account', 'contact', 'reset']),
  count: z.number().int().min(1).max(MAX_INVITES_PER_CALL).optional(),
  expiresInSeconds: z.number().int().min(-1).max(100 * 365 * 86400),
  customDays: z.number().int().min(1).max(36_500),
  reusable: z.boolean().optional(),
  maxUses: z.number().int().min(0).max(1_000_000).optional(),
  role: z.string().regex(/^[\w.:-]{0,100}$/, 'a role such as prosody:member'),
  link: z.enum(['landing', 'uri']),
});

/** A file name without folders or characters the common file systems refuse. */
const fileName = z
  .string()
  .min(1)
  .max(120)
  .refine((name) => !Array.from(name).some((c) => '\\/:*?"<>|'.includes(c) || c.charCodeAt(0) < 0x20), 'a file name without folders or special characters');

/** Argument tuples, one per method. */
export const callArgumentSchemas = {
  listProfiles: z.tuple([]),
  removeProfile: z.tuple([serverId]),
  saveProfile: z.tuple([serverProfileSchema]),
  connect: z.tuple([connectRequest]),
  disconnect: z.tuple([serverId]),
  serverInfo: z.tuple([serverId]),
  recheckServer: z.tuple([serverId]),
  connectionStatuses: z.tuple([]),
  recentRegistrations: z.tuple([]),
  createInvites: z.tuple([createInvitesRequest]),
  listInvites: z.tuple([
    z.strictObject({
      serverId,
      state: z.enum(['pending', 'used', 'expired', 'revoked']).optional(),
      kind: z.enum(['account', 'contact', 'reset']).optional(),
      createdBy: z.string().max(200).optional(),
      query: z.string().max(200).optional(),
      role: z.string().regex(/^(?:\*|[\w.:-]{1,100})$/, 'a role such as prosody:member, or * for any').optional(),
      sort: z.enum(['newest', 'oldest', 'expires', 'uses']).optional(),
      offset: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    }),
  ]),
  revokeInvites: z.tuple([z.strictObject({ serverId, ids: z.array(inviteId).min(1).max(1000) })]),
  purgeExpiredInvites: z.tuple([serverId]),
  signupHistory: z.tuple([z.strictObject({ serverId, days: z.number().int().min(1).max(366) })]),
  listRooms: z.tuple([z.strictObject({ serverId, include: z.array(accountJid).max(ONBOARDING_LIMITS.rooms).optional() })]),
  getOnboardingDefaults: z.tuple([serverId]),
  setOnboardingDefaults: z.tuple([onboardingSetSchema.extend({ serverId, community: z.string().max(ONBOARDING_LIMITS.community) }).strict()]),
  getPolicy: z.tuple([serverId]),
  setPolicy: z.tuple([z.strictObject({ serverId, policy })]),
  deleteAccount: z.tuple([accountRequest]),
  endSessions: z.tuple([accountRequest]),
  disableAccount: z.tuple([accountRequest]),
  enableAccount: z.tuple([accountRequest]),
  accountStates: z.tuple([z.strictObject({ serverId, jids: z.array(accountJid).min(1).max(1000) })]),
  checkInvitePage: z.tuple([z.strictObject({ serverId, url: webAddress })]),
  getPreferences: z.tuple([]),
  setPreferences: z.tuple([preferencesSchema.partial()]),
  getPrintKitText: z.tuple([serverId]),
  savePrintKitText: z.tuple([printKitTextSchema]),
  getStudioChoices: z.tuple([serverId]),
  saveStudioChoices: z.tuple([studioChoicesSchema]),
  hostInfo: z.tuple([]),
  diagnostics: z.tuple([]),
  printPage: z.tuple([]),
  savePageAsPdf: z.tuple([z.strictObject({ suggestedName: fileName })]),
  setUnreadCount: z.tuple([z.number().int().min(0).max(1_000_000)]),
  markSignupsRead: z.tuple([serverId]),
  setConnectAtStart: z.tuple([z.strictObject({ serverId, connectAtStart: z.boolean() })]),
  updateStatus: z.tuple([]),
  checkForUpdates: z.tuple([]),
  installUpdate: z.tuple([]),
  listJoinRequests: z.tuple([serverId]),
  approveJoinRequests: z.tuple([joinDecision.omit({ keepDisabled: true }).refine(someOrAll, SOME_OR_ALL)]),
  rejectJoinRequests: z.tuple([joinDecision.refine(someOrAll, SOME_OR_ALL)]),
  getMemberInviteRules: z.tuple([serverId]),
  setMemberInviteRules: z.tuple([memberInviteRules]),
  inviterTree: z.tuple([serverId]),
  revokeMemberInvites: z.tuple([memberRequest]),
  holdInvitees: z.tuple([memberRequest.extend({ hold: z.boolean() })]),
  exportCsv: z.tuple([
    z.strictObject({
      serverId,
      what: z.enum(['ledger', 'signups', 'activity']),
      start: z.iso.datetime().optional(),
      end: z.iso.datetime().optional(),
    }),
  ]),
  listActivity: z.tuple([
    z.strictObject({
      serverId,
      by: z.string().max(200).optional(),
      kind: z.enum(ACTIVITY_KINDS).optional(),
      start: z.iso.datetime().optional(),
      end: z.iso.datetime().optional(),
      offset: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    }),
  ]),
} satisfies { [M in AdminMethod]: z.ZodType<Parameters<AdminCalls[M]>> };

