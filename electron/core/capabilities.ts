import type { AdHocCommand, Capability } from '../../common/api';

/** Ad-hoc nodes the capabilities are read from. */
export const NODES = {
  createAccountInvite: 'urn:xmpp:invite#create-account',
  createContactInvite: 'urn:xmpp:invite#invite',
  listModules: 'http://prosody.im/protocol/modules#list',
  deleteUser: 'http://jabber.org/protocol/admin#delete-user',
  userStats: 'http://jabber.org/protocol/admin#user-stats',
  /** Prosody 13's mod_invites_adhoc. */
  passwordResetInvite: 'xmpp:prosody.im/mod_invites_adhoc#password-reset',
  /** Prosody 13's mod_admin_adhoc. */
  disableUser: 'http://jabber.org/protocol/admin#disable-user',
} as const;

/**
 * Sets of commands that each prove the account can do Invite Desk's work:
 * invite people, or deal with a spam account. Prosody lists just the
 * commands an account may run. On 0.12 only admins see these; on 13 a custom
 * role may be granted single commands, so a stray one such as the module
 * list proves nothing there, and none of these sets is granted by accident.
 */
const ADMIN_PROOFS: readonly (readonly string[])[] = [
  [NODES.createAccountInvite],
  [NODES.deleteUser, 'http://jabber.org/protocol/admin#end-user-session'],
];

export function isAdminCommandSet(commands: readonly AdHocCommand[]): boolean {
  const nodes = new Set(commands.map((c) => c.node));
  return ADMIN_PROOFS.some((proof) => proof.every((node) => nodes.has(node)));
}

const hasCommand = (commands: readonly AdHocCommand[], node: string): boolean => commands.some((c) => c.node === node);
const hasInviteDesk = (commands: readonly AdHocCommand[]): boolean => commands.some((c) => c.node.startsWith('urn:x-invite-desk:'));

/**
 * What the server offers, each with the config that enables it when missing.
 * Module presence comes from `modules#list`; without it, module-only features
 * are reported as unknown rather than guessed.
 */
export function describeCapabilities(commands: readonly AdHocCommand[], modules: readonly string[] | null): Capability[] {
  const moduleState = (name: string): Capability['state'] => (modules === null ? 'unknown' : modules.includes(name) ? 'available' : 'missing');
  const commandState = (node: string): Capability['state'] => (hasCommand(commands, node) ? 'available' : 'missing');

  return [
    {
      id: 'account-invites',
      label: 'Account invites',
      description: 'Create invite links and QR codes that let someone sign up.',
      state: commandState(NODES.createAccountInvite),
      enable: 'modules_enabled = { …, "invites", "invites_adhoc", "invites_register" }',
    },
    {
      id: 'contact-invites',
      label: 'Contact invites',
      description: 'Invite someone to add you as a contact, and to sign up if they have no account.',
      state: commandState(NODES.createContactInvite),
      enable: 'modules_enabled = { …, "invites", "invites_adhoc" }',
    },
    {
      id: 'module-list',
      label: 'Module list',
      description: 'Lets Invite Desk see which modules the server runs.',
      state: commandState(NODES.listModules),
      enable: 'modules_enabled = { …, "admin_adhoc" }',
    },
    {
      id: 'user-admin',
      label: 'Account actions',
      description: 'Delete a spam account and end its sessions.',
      state: commandState(NODES.deleteUser),
      enable: 'modules_enabled = { …, "admin_adhoc" }',
    },
    {
      id: 'watch-registrations',
      label: 'Sign-up notices',
      description: 'A message to admins for every new account (mod_watchregistrations).',
      state: moduleState('watchregistrations'),
      enable: 'modules_enabled = { …, "watchregistrations" }',
    },
    {
      id: 'invite-desk',
      label: 'Invite Desk module',
      description: 'Registration switch, invite options, the invite ledger, revocation and sign-up history (mod_invite_desk).',
      // Its commands prove it is there even when the module list is not available.
      state: hasInviteDesk(commands) ? 'available' : moduleState('invite_desk'),
      enable: 'modules_enabled = { …, "invite_desk" }',
    },
  ];
}
