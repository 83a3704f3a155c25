// The overall status as a pure function of the certificates' summaries: what the handler
// status file, the console table and the inspector show.
import type { CertificateContext, InstalledVersion } from './certificate-types.ts';

export type OverallStatus = 'Transitioning' | 'Error' | 'Ready';
export type SubstatusValue = 'transitioning' | 'error' | 'success';

/** Retries of a certificate that is not installed yet before requireInitialSync reports Error. */
export const maxInitialRetries = 25;

/** One certificate's fields that the status reads. Contains no secret material. */
export interface CertificateSummary {
  url: string;
  state: string;
  attempt: number;
  installed?: InstalledVersion;
  lastError?: { reason: string; message: string; state: string };
  warnings: string[];
  polls: number;
}

export interface CertificateStatus {
  url: string;
  status: SubstatusValue;
  reason?: string;
  message: string;
}

export interface StatusReport {
  status: OverallStatus;
  /** PascalCase fact behind the status, e.g. AllInstalled, InitialSyncFailed. */
  reason: string;
  message: string;
  certificates: CertificateStatus[];
}

export function summarizeCertificate(state: string, context: CertificateContext): CertificateSummary {
  const { url, attempt, installed, lastError, warnings, polls } = context;
  return { url, state, attempt, installed, lastError, warnings, polls };
}

/** True when the certificate failed its first try and all its retries without ever being installed. */
export function hasGivenUp(certificate: CertificateSummary): boolean {
  return certificate.installed === undefined && certificate.attempt > maxInitialRetries;
}

function certificateStatus(certificate: CertificateSummary): CertificateStatus {
  const { url, installed, lastError } = certificate;
  if (lastError) {
    const kept = installed ? `; version ${installed.version} stays installed` : '';
    return { url, status: 'error', reason: lastError.reason, message: `${lastError.message}${kept} (attempt ${certificate.attempt})` };
  }
  if (installed) {
    const warnings = certificate.warnings.length > 0 ? ` (warnings: ${certificate.warnings.join(', ')})` : '';
    return { url, status: 'success', message: `version ${installed.version} installed, thumbprint ${installed.thumbprint}${warnings}` };
  }
  return { url, status: 'transitioning', message: 'waiting for the first download' };
}

/**
 * Rolls the certificates up into Transitioning / Error / Ready. Without requireInitialSync
 * the agent is Ready as soon as polling runs, as the Windows extension reports it. With it,
 * Ready needs every certificate installed, and Error means one used up its retries.
 */
export function rollUpStatus(certificates: CertificateSummary[], requireInitialSync: boolean): StatusReport {
  const statuses = certificates.map(certificateStatus);
  const installed = certificates.filter((certificate) => certificate.installed).length;
  const failing = statuses.filter((status) => status.status === 'error').length;
  const counts = `${installed} of ${certificates.length} certificates installed` + (failing > 0 ? `, ${failing} failing` : '');

  if (!requireInitialSync) {
    return { status: 'Ready', reason: 'Polling', message: `Polling; ${counts}`, certificates: statuses };
  }
  if (installed === certificates.length) {
    return { status: 'Ready', reason: 'AllInstalled', message: counts, certificates: statuses };
  }
  const givenUp = certificates.filter(hasGivenUp);
  if (givenUp.length > 0) {
    const urls = givenUp.map((certificate) => certificate.url).join(', ');
    return { status: 'Error', reason: 'InitialSyncFailed', message: `Initial sync failed after ${maxInitialRetries} retries for ${urls}; ${counts}`, certificates: statuses };
  }
  return { status: 'Transitioning', reason: 'InitialSync', message: `Initial sync in progress; ${counts}`, certificates: statuses };
}
