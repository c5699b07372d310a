/** mod_invite_desk's history file with `count` recent sign-ups, as the archive store writes it. */
export function signupHistory(domain: string, count: number): string {
  const now = Math.floor(Date.now() / 1000);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const when = now - (count - i);
    const time = new Date(when * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    lines.push(
      `item({ ["name"] = "signup"; ["attr"] = { ["xmlns"] = "urn:x-invite-desk:events:0"; ["username"] = "member${i}"; ` +
        `["jid"] = "member${i}@${domain}"; ["time"] = "${time}"; ["ip"] = "192.0.2.${i % 250}"; ["stamp"] = "${time}"; }; ` +
        `["key"] = "seed${String(i).padStart(8, '0')}"; ["when"] = ${when}; });`,
    );
  }
  return `${lines.join('\n')}\n`;
}
