// The plain-text form of `kvcert status`: the source, the overall status, a table with one
// row per certificate, and the warnings below it.
import type { CertificateStatusEntry, StatusDocument } from './status-document.ts';

/** Characters of an error message shown in the table; `--json` carries the whole message. */
const maxErrorChars = 60;

/** Returns a delay as `in 5s`, `in 12m` or `in 3h 5m`, from `now`. */
export function formatDelay(at: string, now: Date): string {
  const seconds = Math.round((Date.parse(at) - now.getTime()) / 1000);
  if (seconds <= 0) return 'due now';
  if (seconds < 60) return `in ${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `in ${minutes}m`;
  return `in ${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

function expiryOf(entry: CertificateStatusEntry): string {
  if (entry.daysToExpiry === null) return '-';
  if (entry.daysToExpiry < 0) return `expired ${-entry.daysToExpiry}d ago`;
  return `${entry.daysToExpiry} days`;
}

function nextPollOf(entry: CertificateStatusEntry, document: StatusDocument, now: Date): string {
  if (entry.nextPollAt) return formatDelay(entry.nextPollAt, now);
  if (document.source === 'files') return '-';
  return entry.state === 'errorBackoff' || entry.state === 'idle' ? '-' : 'running';
}

function errorOf(entry: CertificateStatusEntry): string {
  if (!entry.lastError) return '-';
  const text = entry.lastError.reason ? `${entry.lastError.reason}: ${entry.lastError.message}` : entry.lastError.message;
  return text.length > maxErrorChars ? `${text.slice(0, maxErrorChars - 3)}...` : text;
}

function rowOf(entry: CertificateStatusEntry, document: StatusDocument, now: Date): string[] {
  return [
    entry.url,
    entry.state ?? entry.status ?? '-',
    entry.version ?? '-',
    entry.thumbprint ?? '-',
    expiryOf(entry),
    nextPollOf(entry, document, now),
    errorOf(entry),
  ];
}

/** Renders the document as aligned text. */
export function renderStatus(document: StatusDocument, now = new Date()): string {
  const header = ['URL', 'STATE', 'VERSION', 'THUMBPRINT', 'EXPIRES IN', 'NEXT POLL', 'LAST ERROR'];
  const rows = document.certificates.map((entry) => rowOf(entry, document, now));
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();

  const updated = document.source === 'files' && document.updatedAt ? `, written ${document.updatedAt}` : '';
  const lines = [
    `Source: ${document.source} (${document.sourceDetail})`,
    `Status: ${document.status ?? 'unknown'}${document.message ? ` (${document.message})` : ''}${updated}`,
    line(header),
    ...rows.map(line),
  ];
  const warnings = document.certificates.flatMap((entry) => entry.warnings.map((warning) => `  ${entry.url}: ${warning}`));
  if (warnings.length > 0) lines.push('Warnings:', ...warnings);
  return lines.join('\n');
}
