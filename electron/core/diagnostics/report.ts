import { release, type } from 'node:os';
import type { ConnectionStatus, HostInfo, ServerInfo } from '../../../common/api';
import { redact } from './redact';

export interface ServerSnapshot {
  status: ConnectionStatus;
  info: ServerInfo | null;
}

/** How many of the error log's last lines a report carries. */
export const REPORT_LOG_LINES = 200;

/**
 * The text an admin pastes into a bug report: the app and system, each
 * server's state, software and capabilities, and the end of the error log.
 * Redacted as a whole, so nothing secret reaches the clipboard.
 */
export function diagnosticsReport(host: HostInfo, servers: ServerSnapshot[], logLines: string[]): string {
  const lines = [
    `Invite Desk ${host.version} (${host.kind})`,
    `System: ${type()} ${release()} (${process.platform}/${process.arch}), Node ${process.versions.node}${process.versions.electron ? `, Electron ${process.versions.electron}` : ''}`,
    `Saved sign-ins: ${host.savedSignIns.available ? 'available' : `not available (${host.savedSignIns.reason ?? 'no reason given'})`}`,
    ...host.setAsideFiles.map((file) => `Set aside: ${file.path} (${file.reason})`),
    '',
    `Servers: ${servers.length}`,
  ];
  for (const { status, info } of servers) {
    lines.push(`- ${info?.domain ?? status.serverId}: ${status.state}${status.reason ? ` (${status.reason})` : ''}`);
    if (!info) continue;
    if (info.software) lines.push(`  software: ${info.software.name} ${info.software.version}`);
    if (info.signIn) lines.push(`  sign-in: ${info.signIn.mechanism}${info.signIn.channelBinding ? ` with ${info.signIn.channelBinding}` : ''}${info.signIn.protocol === 'sasl2' ? ' over SASL2 with Bind2' : ''}`);
    lines.push(`  capabilities: ${info.capabilities.map((c) => `${c.id}=${c.state}`).join(', ')}`);
  }
  lines.push('', `Error log${host.errorLog ? ` (${host.errorLog})` : ''}, last ${REPORT_LOG_LINES} lines:`, ...(logLines.length > 0 ? logLines : ['(empty)']));
  return redact(lines.join('\n'));
}
