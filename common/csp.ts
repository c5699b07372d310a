/**
 * The page's Content-Security-Policy, one source for every host: the Electron
 * protocol handler and the preview send it as a header, and the built
 * index.html carries it as a meta tag as well. Scripts and styles come only
 * from the app itself; nothing may frame it, post forms or change its base.
 */
export function contentSecurityPolicy(options: { connect: string[]; header: boolean }): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${options.connect.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
    // Browsers ignore frame-ancestors in a meta tag (and warn about it), so only the header has it.
    ...(options.header ? ["frame-ancestors 'none'"] : []),
  ].join('; ');
}
