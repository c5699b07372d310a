import type { ErrorCode } from './errors';
import type { ACTIVITY_KINDS } from './activity';

/**
 * The one contract between the UI and everything behind it. Every method is
 * async and takes and returns plain JSON; every call and event names the
 * server it concerns, because the app keeps one admin session per server.
 */

/** A saved server. Holds no secret: the password is only passed to `connect`. */
export interface ServerProfile {
  /** Stable id chosen when the profile is created; names the server in every call. */
  id: string;
  /** The admin account, e.g. `admin@example.org`. */
  jid: string;
  /** `host:port` for servers without DNS SRV records; empty to use the JID's domain on port 5222. */
  address?: string;
  /** Connect with TLS from the first byte (XEP-0368) instead of STARTTLS. */
  directTls?: boolean;
  /** SHA-256 fingerprint of a certificate the admin chose to trust although the system does not. */
  trustedFingerprint?: string;
  /**
   * The server's `registration_notification` template, when it is not Prosody's
   * default; how sign-up messages from mod_watchregistrations are read.
   */
  registrationTemplate?: string;
}

/** A saved server as listed: the profile, and whether it can sign in without asking for the password. */
export interface SavedProfile extends ServerProfile {
  hasSavedCredentials: boolean;
  /** Sign-ups of this server not yet seen in its feed, kept across restarts. */
  unread: number;
  /** Whether it connects by itself when Invite Desk starts (with its saved sign-in, and Preferences.connectAtStart on). */
  connectAtStart: boolean;
}

export interface ConnectRequest {
  profile: ServerProfile;
  /** Omit to sign in with the credentials saved for this profile. */
  password?: string;
}

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface ConnectionStatus {
  serverId: string;
  state: ConnectionState;
  /** Why the session is offline or reconnecting, for the admin. */
  reason?: string;
  /** While reconnecting: which attempt comes next (1 for the first) and in how many milliseconds. */
  attempt?: number;
  retryInMs?: number;
  /** While offline after a failure: its error code, e.g. `password-required` when the saved sign-in was refused. */
  code?: ErrorCode;
}

export interface AdHocCommand {
  node: string;
  name: string;
}

export type CapabilityId =
  | 'account-invites'
  | 'contact-invites'
  | 'module-list'
  | 'watch-registrations'
  | 'invite-desk'
  | 'user-admin';

export interface Capability {
  id: CapabilityId;
  label: string;
  /** `unknown` when the server does not say (its module list is not available to us). */
  state: 'available' | 'missing' | 'unknown';
  /** What the capability gives the admin. */
  description: string;
  /** The exact Prosody config that enables it, shown when it is not available. */
  enable: string;
}

/**
 * How the session signed in: the SASL mechanism (`HT-SHA-256-*` for a FAST
 * token), the TLS channel binding of a `-PLUS` one, and `sasl2` where the
 * session signed in with SASL2 and bound inline with Bind2 (XEP-0388,
 * XEP-0386), which saves a stream restart and resource binding.
 */
export interface SignInMethod {
  mechanism: string;
  channelBinding?: 'tls-exporter' | 'tls-server-end-point';
  /** Absent for SASL with a stream restart and resource binding. */
  protocol?: 'sasl2';
}

export interface ServerInfo {
  serverId: string;
  /** The account the session is signed in as (full JID). */
  account: string;
  domain: string;
  software?: { name: string; version: string };
  /** The ad-hoc commands this admin may run, as the server lists them. */
  commands: AdHocCommand[];
  /** Modules loaded on the host, or null when the server does not list them. */
  modules: string[] | null;
  capabilities: Capability[];
  signIn?: SignInMethod;
  /**
   * Roles a new invite may give its accounts, as the server lists them
   * (mod_invite_desk), or the well-known ones of its Prosody version; absent
   * when invites on this server take no role.
   */
  inviteRoles?: string[];
}

/**
 * Who may create an account: anyone; anyone, held until an admin approves
 * ("Ask to join"); people with an invite; or nobody (needs mod_invite_desk).
 */
export type RegistrationPolicy = 'open' | 'approval' | 'invite-only' | 'closed';

export interface PolicyChange {
  serverId: string;
  policy: RegistrationPolicy;
  /** The admin who changed it, when known. */
  by?: string;
  /** When, ISO 8601, when known. */
  time?: string;
}

/** `reset` (a password-reset link for an existing account) needs mod_invite_desk. */
export type InviteKind = 'account' | 'contact' | 'reset';

export interface Invite {
  serverId: string;
  /** The ledger id (mod_invite_desk); absent for stock invites. Never the token. */
  id?: string;
  kind: InviteKind;
  /** The `xmpp:` URI an XMPP app opens. */
  uri: string;
  /** The web page for people without an XMPP app yet, when the server has one (mod_invites_page). */
  landingUrl?: string;
  /** The token inside the URI. */
  token: string;
  /** ISO 8601; absent when the invite never expires. */
  expires?: string;
  /** ISO 8601, as seen by the app. */
  createdAt: string;
  /** The role accounts made with it get, when not the server's default (mod_invite_desk). */
  role?: string;
}

export interface CreateInvitesRequest {
  serverId: string;
  kind: InviteKind;
  /** How many; 1 when omitted. */
  count?: number;
  /** The options below need mod_invite_desk; stock Prosody takes none of them. */
  /** Seconds until the invite expires; 0 for never. The server's default when omitted. */
  expiresInSeconds?: number;
  /** How many accounts one invite may create; 0 for unlimited until it expires. 1 when omitted. */
  maxUses?: number;
  note?: string;
  /** The only account name the invite may create (required for a reset). */
  username?: string;
  /** A role for accounts made with it, e.g. `prosody:admin`. */
  role?: string;
  /** Accounts made with it wait for an admin's approval, as if they had no invite (mod_invite_desk). */
  needsApproval?: boolean;
  /** What its new members get instead of the server's defaults (mod_invite_desk). */
  onboarding?: OnboardingSet;
}

export type InviteState = 'pending' | 'used' | 'expired' | 'revoked';

/** An invite as the server's ledger knows it (mod_invite_desk). */
export interface LedgerInvite {
  id: string;
  kind: InviteKind;
  state: InviteState;
  /** Only while pending: the link still works. */
  uri?: string;
  landingUrl?: string;
  createdAt?: string;
  /** Absent when it never expires. */
  expires?: string;
  uses: InviteUse[];
  /** Absent when unlimited. */
  maxUses?: number;
  note?: string;
  username?: string;
  /** The role accounts made with it get, when not the server's default. */
  role?: string;
  createdBy?: string;
  /** How it was made: invite_desk, adhoc or prosodyctl. */
  source?: string;
  /** The id of the first invite of the batch (a print kit, say) it was made in, when that made several. */
  batch?: string;
}

/** One account made with an invite. */
export interface InviteUse {
  jid: string;
  at: string;
  /** ISO 8601: when the member first signed in again after signing up, if they have. */
  signedInAt?: string;
  /** What the member got on joining. */
  onboarding?: Onboarding;
}

/** The ledger's orders: by creation (newest or oldest first), soonest expiry first, or most used first. */
export type LedgerSort = 'newest' | 'oldest' | 'expires' | 'uses';

export interface ListInvitesRequest {
  serverId: string;
  state?: InviteState;
  kind?: InviteKind;
  /** Part of the maker's address, or how the invite was made (e.g. prosodyctl). */
  createdBy?: string;
  /** Matches the note, the bound account, the users and the id. */
  query?: string;
  /** Only invites that give this role, or `*` for every invite that gives one. */
  role?: string;
  /** Newest first unless said. */
  sort?: LedgerSort;
  offset?: number;
  limit?: number;
}

export interface InvitePage {
  total: number;
  invites: LedgerInvite[];
}

/** A new account on a server. */
export interface Registration {
  serverId: string;
  /** Stable for one sign-up, so the UI can drop repeats. */
  id: string;
  username: string;
  jid: string;
  ip?: string;
  /** ISO 8601: when the server reported it (the original time for catch-up). */
  time: string;
  /** Where the app learnt of it. */
  source: 'watchregistrations' | 'invite-desk';
  /** The ledger id of the invite used (mod_invite_desk). */
  invite?: string;
  /** Who made that invite, or how it was made when nobody did. */
  inviter?: string;
  note?: string;
  /** The role its invite gave the account, when not the server's default (mod_invite_desk). */
  role?: string;
  /** True when it happened while the app was offline and arrived on reconnect. */
  catchUp: boolean;
  /** What the new member got: rooms, contacts, a welcome (mod_invite_desk). */
  onboarding?: Onboarding;
}

/** A group chat on one of the server's own chat (MUC) services. */
export interface Room {
  /** e.g. `general@conference.example.org`. */
  jid: string;
  name?: string;
  /** Only members may enter: a new member is made one. */
  membersOnly: boolean;
  /** People in it now, when the room says. */
  occupants?: number;
}

/** What a new member gets on joining (mod_invite_desk): rooms to join, contacts, and a welcome message. */
export interface OnboardingSet {
  /** Room JIDs on the server's own chat services: bookmarked with autojoin. */
  rooms: string[];
  /** Accounts of the server (`name@domain`) that become mutual contacts. */
  contacts: string[];
  /** Plain text, empty for none; `{name}`, `{inviter}` and `{community}` are filled in. */
  welcome: string;
  /** The account the welcome comes from; absent, it comes from the server. */
  welcomeFrom?: string;
}

/** What every new member gets whose invite brings no set of its own. */
export interface OnboardingDefaults extends OnboardingSet {
  serverId: string;
  /** The community's name: the contacts' roster group, and `{community}` in the welcome. */
  community: string;
}

/** A part of onboarding that did not happen, and why. */
export interface OnboardingFailure {
  part: 'room' | 'member' | 'contact' | 'welcome' | 'onboarding';
  /** The room, the contact, or the welcome's sender. */
  jid: string;
  /** `gone` (deleted), `no-pep`, `no-offline`, `refused`, `error`, … */
  reason: string;
}

/** What one new member got on joining. */
export interface Onboarding {
  /** Rooms bookmarked with autojoin. */
  rooms: string[];
  /** Members-only rooms that made the member a member. */
  memberOf: string[];
  contacts: string[];
  /** Who the welcome came from (an admin, or the server's own address), when it was sent. */
  welcomedBy?: string;
  failed: OnboardingFailure[];
}

export interface AccountRequest {
  serverId: string;
  /** The account, e.g. `spammer@example.org`. */
  jid: string;
}

/** What became of an account: it can sign in, it is disabled (Prosody 13), or it is gone; `unknown` when nothing says. */
export type AccountState = 'active' | 'disabled' | 'deleted' | 'unknown';

export interface AccountStatus {
  jid: string;
  state: AccountState;
  /**
   * `server`: the server said so just now (mod_invite_desk). `record`: what
   * was last done to it from Invite Desk, kept with the server's settings,
   * where the server cannot say.
   */
  source: 'server' | 'record';
}

export type Theme = 'system' | 'light' | 'dark';

/** The admin's own choices for the app, kept with the settings (not per server). */
export interface Preferences {
  theme: Theme;
  /** A desktop notification for each sign-up (one for a whole catch-up). */
  notifications: boolean;
  /** The desktop app checks for updates when it starts and once a day. */
  automaticUpdates: boolean;
  /** Saved servers with a saved sign-in connect when Invite Desk starts (each can also be turned off). */
  connectAtStart: boolean;
  /** The app's language, or 'system' to follow the system's; en-XA is the pseudo-locale for testing. */
  language: Language | 'system';
}

/** The languages the app and its cards speak; en-XA is an accented, longer English for testing. */
export type Language = 'en' | 'de' | 'fr' | 'en-XA';

/** What the app runs in, so the UI offers only what works there. */
export interface HostInfo {
  kind: 'desktop' | 'browser';
  version: string;
  /** Whether a sign-in can be saved for the next start. */
  savedSignIns: { available: boolean; reason?: string };
  /** The host shows sign-up notifications itself; otherwise the page does. */
  nativeNotifications: boolean;
  /** `printPage` and `savePageAsPdf` work; otherwise the page uses the browser's print dialog. */
  nativePrinting: boolean;
  /** Files Invite Desk could not read at start, renamed so that nothing in them is lost. */
  setAsideFiles: SetAsideFile[];
  /** Where errors Invite Desk did not expect are logged, with their details. */
  errorLog?: string;
}

/** A settings or credentials file that could not be read, kept under another name. */
export interface SetAsideFile {
  path: string;
  reason: string;
}

/** One sign-up in a server's history, as the growth picture needs it. */
export interface SignupPoint {
  /** ISO 8601. */
  time: string;
  /** Who made the invite it used, when the module knows. */
  inviter?: string;
}

/**
 * What the invite studio carries over from one batch to the next for a
 * server: only choices that are safe to repeat. No count, reuse or use
 * limit, no expiry of "never", and no role above what signing up gives.
 */
export interface StudioChoices {
  serverId: string;
  /** Account or contact; a reset is for one account, so it is not carried over. */
  kind: InviteKind;
  /** Seconds; -1 a custom number of days. */
  expiresInSeconds: number;
  customDays: number;
  /** A role name, or '' for the server's default. */
  role: string;
  /** Which link the QR codes carry. */
  link: 'landing' | 'uri';
  /** Older versions kept these; they are read and never applied. */
  count?: number;
  reusable?: boolean;
  maxUses?: number;
}

/** The words printed on a server's invite cards, kept between runs. */
export interface PrintKitText {
  serverId: string;
  welcome: string;
  /** Suggested apps, one per line. */
  apps: string;
  /** The cards' own language, apart from the app's; absent means the app's. */
  language?: Language;
}

export interface PdfRequest {
  /** A file name to offer in the save dialog, e.g. `invite-cards.pdf`. */
  suggestedName: string;
}

/** Which sign-up to show, when the admin clicks its notification. */
export interface RevealRequest {
  serverId: string;
  registrationId: string;
}

/** Whether an invite's web page answers as one: checked from the backend, which reads the answer as hostile. */
export interface InvitePageCheck {
  /** The page answers as the invite page. */
  ok: boolean;
  /** What was found, and what to do about it. */
  message: string;
}

/** Whether a saved server connects by itself when Invite Desk starts. */
export interface ConnectAtStartRequest {
  serverId: string;
  connectAtStart: boolean;
}

/**
 * Where the desktop app's updater stands: `unavailable` where there is none
 * (the browser preview, a copy run from source), `idle` before the first check.
 */
export type UpdateState = 'unavailable' | 'idle' | 'checking' | 'none' | 'available' | 'downloading' | 'ready' | 'error';

export interface UpdateStatus {
  state: UpdateState;
  /** The version running now. */
  current: string;
  /** Whether it checks by itself, at start and once a day. */
  automatic: boolean;
  /** The newer version, once a check found one. */
  version?: string;
  /** While downloading: how much has arrived, 0 to 100. */
  percent?: number;
  /** For the admin: where things stand and what happens next. */
  message: string;
  /** ISO 8601: when the last check ended. */
  checkedAt?: string;
  /** The admin asked to install; it waits for this to finish first. */
  waitingFor?: 'sign-in' | 'batch';
}

/** Someone who signed up and waits for an admin's approval (mod_invite_desk). */
export interface JoinRequest {
  serverId: string;
  username: string;
  jid: string;
  /** ISO 8601: when they signed up. */
  time: string;
  ip?: string;
  /** What they wrote in the registration form's reason field, where the server has one. */
  reason?: string;
  /** The ledger id of the invite they used, when it needed approval. */
  invite?: string;
  /** Who made that invite. */
  inviter?: string;
  /** Why it waits: no invite (Ask to join), an invite that needs approval, or an inviter whose invitees wait. */
  why: 'no-invite' | 'invite' | 'inviter';
}

export interface JoinRequestList {
  /** Newest first, at most 1,000. */
  requests: JoinRequest[];
  /** How many wait in all. */
  total: number;
  /** After how many days the server rejects a request by itself, when it says. */
  expireDays?: number;
}

/** A change to a server's waiting requests. */
export interface JoinRequestsChange {
  serverId: string;
  domain: string;
  /** The server's whole list, which replaces what was known. */
  list?: JoinRequest[];
  added?: JoinRequest[];
  /** Accounts (JIDs) that no longer wait: approved, rejected or expired. */
  removed?: string[];
  /** How many of those listed or added the admin has not been told of before: what a notification counts. */
  unseen: number;
}

/** Which requests to decide: some accounts, or every one that waits. */
export interface JoinDecisionRequest {
  serverId: string;
  jids?: string[];
  all?: boolean;
  /** Rejecting only: keep the accounts, disabled, instead of deleting them (Prosody 13). */
  keepDisabled?: boolean;
}

export interface JoinDecision {
  /** Accounts approved, or rejected. */
  decided: string[];
  /** Accounts named that were not waiting: nothing changed for them. */
  notWaiting: string[];
  /** Accounts the server could not change; they still wait. */
  failed: string[];
}

/** Who may invite people to a server: only admins, every member, or members of one role (Prosody 13). */
export type MemberInviters = 'admins' | 'members' | 'role';

/** The rules for members' invites on a server (mod_invite_desk); 0 means no limit. */
export interface MemberInviteRules {
  serverId: string;
  who: MemberInviters;
  /** The role, when `who` is `role`. */
  role?: string;
  perPeriod: number;
  periodDays: number;
  maxPending: number;
  minAgeDays: number;
  /** The roles the server offers to choose from (Prosody 13); absent where there are none. */
  roles?: string[];
}

/** An account in the inviter tree: who invited it, and what it does with its own invites. */
export interface InviterTreeEntry {
  jid: string;
  invitedBy?: string;
  /** ISO 8601, when known. */
  joined?: string;
  /** Its invites nobody has used yet. */
  pending: number;
  /** Accounts it invites wait for an admin's approval. */
  holdInvitees: boolean;
}

export interface InviterTree {
  entries: InviterTreeEntry[];
  /** Accounts on the server; more than `entries` when the server listed only the first 10,000. */
  total: number;
}

export interface MemberRequest {
  serverId: string;
  /** The member, e.g. `ann@example.org`. */
  jid: string;
}

/** What an admin did on a server, as mod_invite_desk's activity log records it. */
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** One entry of a server's activity log, listed or pushed as it happens. */
export interface AdminActivity {
  serverId: string;
  /** The log's id for it (absent when the server could not store it). */
  id?: string;
  kind: ActivityKind;
  /** ISO 8601. */
  time: string;
  /** The admin (bare JID); absent when the server did it by other means (its shell, an expiry). */
  by?: string;
  /** Accounts acted on (JIDs). */
  accounts: string[];
  /** Invites acted on (ids). */
  invites: string[];
  /** How many invites or accounts, for created, revoked, purged and decided. */
  count?: number;
  /** A policy switch: the new policy and the one before. */
  policy?: RegistrationPolicy;
  previous?: RegistrationPolicy;
  inviteKind?: InviteKind;
  /** A rejection: `rejected`, `kept-disabled` or `expired`. */
  outcome?: string;
  /** A purge: ledger records dropped with it. */
  dropped?: number;
}

export interface ActivityRequest {
  serverId: string;
  /** Only this admin's actions (part of the address). */
  by?: string;
  kind?: ActivityKind;
  /** ISO 8601 bounds. */
  start?: string;
  end?: string;
  offset?: number;
  limit?: number;
}

export interface ActivityPage {
  /** Entries that match, on every page. */
  total: number;
  /** Every admin the log names, to filter by. */
  admins: string[];
  /** Newest first. */
  entries: AdminActivity[];
}

/** A CSV file of a server's ledger, sign-ups or activity log, for a period (ISO 8601 bounds, either open). */
export interface CsvExportRequest {
  serverId: string;
  what: 'ledger' | 'signups' | 'activity';
  start?: string;
  end?: string;
}

/** Saved where the admin chose (desktop); the file itself, for the page to download (preview); or null when the admin cancelled. */
export type CsvExportResult = { path: string } | { name: string; content: string } | null;

/** Events pushed from the backend, keyed by name. */
export interface AdminEvents {
  'connection-status': ConnectionStatus;
  registration: Registration;
  policy: PolicyChange;
  'reveal-registration': RevealRequest;
  'update-status': UpdateStatus;
  'join-requests': JoinRequestsChange;
  /** Show a server's requests to join: the admin clicked their notification. */
  'reveal-requests': { serverId: string };
  /** An admin (this one or another) acted on a server, as it happens (mod_invite_desk). */
  activity: AdminActivity;
}

export type AdminEventName = keyof AdminEvents;

export type Unsubscribe = () => void;

/** What "Remove expired" did on the server. */
export interface PurgeResult {
  /** Expired invites deleted from the server. */
  purged: number;
  /** Ledger records of spent invites the module let go of because they were older than `ledgerDays`. */
  forgotten: number;
  /** How long the server's ledger remembers a spent invite, when it said so. */
  ledgerDays?: number;
}

export interface AdminApi {
  listProfiles(): Promise<SavedProfile[]>;
  removeProfile(serverId: string): Promise<void>;
  /** Saves changes to a server's settings (e.g. its sign-up message template); they apply at its next connect. */
  saveProfile(profile: ServerProfile): Promise<void>;
  /** Signs in, checks the account is an admin of the host, probes it, and saves the profile. */
  connect(request: ConnectRequest): Promise<ServerInfo>;
  disconnect(serverId: string): Promise<void>;
  serverInfo(serverId: string): Promise<ServerInfo>;
  /** Asks the connected server again what it offers (after the admin loaded a module), without reconnecting. */
  recheckServer(serverId: string): Promise<ServerInfo>;
  /** Status of every server that has a session, for a UI that starts late. */
  connectionStatuses(): Promise<ConnectionStatus[]>;
  /** Sign-ups seen since the backend started (the latest 10,000 of each server), each server's oldest first, for a UI that starts late. */
  recentRegistrations(): Promise<Registration[]>;
  /** Invites: with mod_invite_desk's options when the server has it, else the stock commands. */
  createInvites(request: CreateInvitesRequest): Promise<Invite[]>;
  /** The ledger (mod_invite_desk). */
  listInvites(request: ListInvitesRequest): Promise<InvitePage>;
  revokeInvites(request: { serverId: string; ids: string[] }): Promise<{ revoked: number }>;
  purgeExpiredInvites(serverId: string): Promise<PurgeResult>;
  /** The sign-ups of the last `days` days from mod_invite_desk's history (feature-missing without it). */
  signupHistory(request: { serverId: string; days: number }): Promise<SignupPoint[]>;
  /**
   * The rooms of the server's own chat (MUC) services that its service
   * discovery lists, and those of `include` that exist although unlisted
   * (hidden): a room missing from the answer no longer exists.
   */
  listRooms(request: { serverId: string; include?: string[] }): Promise<Room[]>;
  /** What every new member gets unless their invite says otherwise (mod_invite_desk). */
  getOnboardingDefaults(serverId: string): Promise<OnboardingDefaults>;
  setOnboardingDefaults(defaults: OnboardingDefaults): Promise<void>;
  /** The registration policy (mod_invite_desk). */
  getPolicy(serverId: string): Promise<RegistrationPolicy>;
  setPolicy(request: { serverId: string; policy: RegistrationPolicy }): Promise<void>;
  /** Deletes an account (XEP-0133); its sessions end with it. */
  deleteAccount(request: AccountRequest): Promise<void>;
  /** Ends every session of an account without deleting it. */
  endSessions(request: AccountRequest): Promise<void>;
  /** Disables an account where the server offers it (Prosody 13). */
  disableAccount(request: AccountRequest): Promise<void>;
  enableAccount(request: AccountRequest): Promise<void>;
  /** What became of these accounts of a server: from the server with mod_invite_desk, else from what Invite Desk did to them. */
  accountStates(request: { serverId: string; jids: string[] }): Promise<AccountStatus[]>;
  /** Asks an invite's web page (a landing URL, http or https) whether it answers as the invite page. */
  checkInvitePage(request: { serverId: string; url: string }): Promise<InvitePageCheck>;
  getPreferences(): Promise<Preferences>;
  /** Changes some preferences and returns them all. */
  setPreferences(changes: Partial<Preferences>): Promise<Preferences>;
  /** The print kit's text saved for a server, or null when it still has the defaults. */
  getPrintKitText(serverId: string): Promise<PrintKitText | null>;
  savePrintKitText(text: PrintKitText): Promise<void>;
  /** The invite studio's last choices for a server, or null when it has none yet. */
  getStudioChoices(serverId: string): Promise<StudioChoices | null>;
  saveStudioChoices(choices: StudioChoices): Promise<void>;
  hostInfo(): Promise<HostInfo>;
  /** A report for a bug: versions, each server's version and capabilities, and the end of the error log, redacted. */
  diagnostics(): Promise<string>;
  /** Prints the current page with the system's print dialog (desktop). */
  printPage(): Promise<void>;
  /** Saves the current page as a PDF where the admin chooses; null when they cancel (desktop). */
  savePageAsPdf(request: PdfRequest): Promise<{ path: string } | null>;
  /** Shows how many sign-ups are unread on the app's badge or in its title. */
  setUnreadCount(count: number): Promise<void>;
  /** The admin has seen this server's sign-ups: its unread count goes back to 0. */
  markSignupsRead(serverId: string): Promise<void>;
  /** Whether a saved server connects by itself when Invite Desk starts. */
  setConnectAtStart(request: ConnectAtStartRequest): Promise<void>;
  /** The updater's state (desktop app); `unavailable`, and why, where there is none. */
  updateStatus(): Promise<UpdateStatus>;
  /** Checks the release feed now, and downloads a newer version when there is one. */
  checkForUpdates(): Promise<UpdateStatus>;
  /** Restarts into the downloaded update, or right after the sign-in or batch in progress ends. */
  installUpdate(): Promise<UpdateStatus>;
  /** The requests to join that wait on a server, asked again (mod_invite_desk); also sent as a `join-requests` event. */
  listJoinRequests(serverId: string): Promise<JoinRequestList>;
  /** Lets the accounts sign in; accounts that were not waiting are left as they are, and listed. */
  approveJoinRequests(request: JoinDecisionRequest): Promise<JoinDecision>;
  /** Deletes the accounts (or keeps them disabled on Prosody 13), so their names are free again. */
  rejectJoinRequests(request: JoinDecisionRequest): Promise<JoinDecision>;
  getMemberInviteRules(serverId: string): Promise<MemberInviteRules>;
  setMemberInviteRules(rules: MemberInviteRules): Promise<void>;
  /** Every account with who invited it, for the tree of who invited whom. */
  inviterTree(serverId: string): Promise<InviterTree>;
  /** Revokes all of a member's unused invites, in one request. */
  revokeMemberInvites(request: MemberRequest): Promise<{ revoked: number }>;
  /** Whether accounts the member invites from now on wait for an admin's approval. */
  holdInvitees(request: MemberRequest & { hold: boolean }): Promise<void>;
  /** A server's activity log: what its admins did, filtered and paged (mod_invite_desk). */
  listActivity(request: ActivityRequest): Promise<ActivityPage>;
  /** Exports the ledger, the sign-ups the app holds, or the activity log as CSV: a save dialog on the desktop, a download in the preview. */
  exportCsv(request: CsvExportRequest): Promise<CsvExportResult>;
  on<E extends AdminEventName>(event: E, listener: (payload: AdminEvents[E]) => void): Unsubscribe;
}

/** The request/response part of the contract: what a host must forward. */
export type AdminCalls = Omit<AdminApi, 'on'>;
export type AdminMethod = keyof AdminCalls;

/** The calls only the host can answer: they concern its window, not a server. */
export type HostCalls = Pick<AdminCalls, 'hostInfo' | 'printPage' | 'savePageAsPdf' | 'setUnreadCount'>;
