/** What to tell a person whose machine has no Prosody. */
export const PROSODY_INSTALL_HINT = [
  'Prosody is not installed, so there is no local server to try Invite Desk with.',
  'On Debian or Ubuntu, install it with:',
  '',
  '  sudo apt-get update && sudo apt-get install -y prosody prosody-modules',
  '',
  'Debian\'s package starts a system-wide Prosody as well; Invite Desk does not use it. Stop it with',
  '"sudo systemctl disable --now prosody" if you do not need it.',
].join('\n');
