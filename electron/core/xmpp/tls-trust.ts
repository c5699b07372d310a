import tls from 'node:tls';
import { EventEmitter } from 'node:events';
import { AdminError, type UntrustedCertificateDetail } from '../../../common/errors';

/**
 * What decides whether a server's certificate is accepted: the system's trust
 * store first, then a fingerprint the admin chose to trust for this profile.
 */
export interface TlsTrust {
  /** The XMPP domain: the name the certificate must be issued for (also sent as SNI). */
  domain: string;
  trustedFingerprint?: string;
}

/** Returns null when the peer is trusted, else the `tls-untrusted` error to refuse it with. */
export function checkPeerTrust(socket: tls.TLSSocket, trust: TlsTrust): AdminError | null {
  if (socket.authorized) return null;
  const cert = socket.getPeerCertificate();
  const fingerprint = cert.fingerprint256;
  if (trust.trustedFingerprint !== undefined && fingerprint === trust.trustedFingerprint) return null;

  const detail: UntrustedCertificateDetail = {
    fingerprint,
    subject: describeName(cert.subject, cert.subjectaltname),
    issuer: describeName(cert.issuer),
    validFrom: new Date(cert.valid_from).toISOString(),
    validTo: new Date(cert.valid_to).toISOString(),
    reason: String(socket.authorizationError),
  };
  if (trust.trustedFingerprint !== undefined) {
    detail.previouslyTrusted = trust.trustedFingerprint;
    return new AdminError(
      'tls-untrusted',
      `${trust.domain} now shows a different certificate from the one you trusted. ` +
        'This happens when the server renewed a self-signed certificate, but also when someone intercepts the connection. ' +
        'Check the new fingerprint with the server operator before you trust it.',
      detail,
    );
  }
  return new AdminError(
    'tls-untrusted',
    `Your system does not trust the certificate of ${trust.domain} (${describeReason(detail.reason)}). ` +
      'If the server uses a self-signed certificate, compare its fingerprint with the one on the server and trust it.',
    detail,
  );
}

function describeName(name: tls.PeerCertificate['subject'] | undefined, altNames?: string): string {
  const parts = name ? Object.entries(name).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`) : [];
  if (altNames) parts.push(altNames);
  return parts.join(', ');
}

function describeReason(code: string): string {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'it is self-signed';
    case 'CERT_HAS_EXPIRED':
      return 'it has expired';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'its issuer is unknown';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'it was issued for another name';
    default:
      return code;
  }
}

/**
 * The socket xmpp.js writes to once TLS is up. Unlike xmpp.js' own, it does
 * not let Node reject the handshake outright: it finishes the handshake, reads
 * the certificate, and only reports `connect` when `checkPeerTrust` accepts it.
 * Nothing (no stream header, no credentials) is written before that.
 */
export class TrustCheckingTlsSocket extends EventEmitter {
  readonly secure = true;
  socket: tls.TLSSocket | null = null;
  private readonly trust: TlsTrust;

  constructor(trust: TlsTrust) {
    super();
    this.trust = trust;
  }

  connect(options: tls.ConnectionOptions): void {
    const socket = tls.connect({
      ...options,
      servername: this.trust.domain,
      // Verification still runs; its verdict is read in checkPeerTrust instead of aborting.
      rejectUnauthorized: false,
      checkServerIdentity: (_host, cert) => tls.checkServerIdentity(this.trust.domain, cert),
    });
    this.socket = socket;
    socket.on('data', (data: Buffer) => this.emit('data', data));
    socket.on('error', (error: Error) => this.emit('error', error));
    socket.on('close', (hadError: boolean) => {
      this.socket = null;
      this.emit('close', hadError);
    });
    socket.once('secureConnect', () => {
      const refusal = checkPeerTrust(socket, this.trust);
      if (refusal) {
        this.emit('error', refusal);
        socket.destroy();
        return;
      }
      this.emit('connect');
    });
  }

  end(): void {
    this.socket?.end();
  }

  /** Closes the TLS socket and the TCP socket under it, without waiting for the peer. */
  destroy(): void {
    this.socket?.destroy();
  }

  write(data: string, callback: (error?: Error | null) => void): void {
    if (!this.socket) {
      callback(new Error('socket closed'));
      return;
    }
    this.socket.write(data, callback);
  }
}

