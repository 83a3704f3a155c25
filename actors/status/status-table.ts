// The console table of certificates: URL, state, version, thumbprint, expiry.
import type { CertificateSummary, StatusReport } from '../../machines/status-rollup.ts';

function stateOf(certificate: CertificateSummary, status: string): string {
  if (status === 'error') return `error: ${certificate.lastError?.reason ?? 'unknown'}`;
  return status === 'success' ? 'installed' : certificate.state;
}

/** Renders the certificates as an aligned text table with the overall status above it. */
export function renderStatusTable(report: StatusReport, certificates: CertificateSummary[]): string {
  const header = ['URL', 'STATE', 'VERSION', 'THUMBPRINT', 'EXPIRES'];
  const rows = certificates.map((certificate) => {
    const status = report.certificates.find((item) => item.url === certificate.url)?.status ?? 'transitioning';
    return [
      certificate.url,
      stateOf(certificate, status),
      certificate.installed?.version ?? '-',
      certificate.installed?.thumbprint ?? '-',
      certificate.installed?.notAfter?.slice(0, 10) ?? '-',
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return [`Status: ${report.status} (${report.message})`, line(header), ...rows.map(line)].join('\n');
}
