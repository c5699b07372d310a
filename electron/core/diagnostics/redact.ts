/**
 * Removes what must never reach a log or a bug report: passwords, SCRAM keys
 * and salts, invite tokens, session cookies and SASL payloads. It errs on the
 * side of hiding: any long run of base64 or hex goes too.
 */
const RULES: [RegExp, string][] = [
  // JSON or JS fields: "password": "…", clientKey: '…'
  [/(["']?(?:password|clientKey|serverKey|salt|token|secret|fastToken|cookie)["']?\s*[:=]\s*)(["'])(?:\\.|(?!\2).)*\2/gi, '$1$2[redacted]$2'],
  // Query strings and XMPP URIs: ?token=…, ;preauth=…, &password=…
  [/([?&;](?:token|preauth|password|secret)=)[^&;\s"'<>]+/gi, '$1[redacted]'],
  // Prosody's invite pages carry the token as the whole query: …/invites_page?TOKEN
  [/(invites_page\?)[^\s"'<>&]+/gi, '$1[redacted]'],
  // The preview's session cookie.
  [/(invite_desk_session_\d+=)[^;\s"']+/g, '$1[redacted]'],
  // SASL exchanges carry proofs and salts in their element text.
  [/(<(auth|response|challenge|success|authenticate|initial-response)\b[^>]*>)[^<]*(<\/\2>)/gi, '$1[redacted]$3'],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, '$1[redacted]'],
];

/** A long run of base64 with digits and both cases is key material, not a word or a file path. */
const LOOKS_RANDOM = /[A-Za-z0-9+/_=-]{24,}/g;

export function redact(text: string): string {
  const ruled = RULES.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
  return ruled.replace(LOOKS_RANDOM, (run) => (/\d/.test(run) && /[A-Z]/.test(run) && /[a-z]/.test(run) ? '[redacted]' : run));
}
