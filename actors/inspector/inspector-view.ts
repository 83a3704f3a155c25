// Allow-listed views of machine snapshots and of the status report, built field by field.
// Context objects are never copied whole, because they may carry a sealed bundle.
import type { CertificateContext } from '../../machines/certificate-types.ts';
import type { StatusReport } from '../../machines/status-rollup.ts';

/** One state change of a certificate actor. */
export interface EventEntry {
  /** ISO 8601 time the inspector saw the change. */
  time: string;
  /** Type of the event that caused the change, e.g. `refresh.requested`. */
  event: string;
  from?: string;
  to: string;
  version?: string;
  thumbprint?: string;
}

/** A certificate actor: its state and the allow-listed fields of its context. */
export interface CertificateView {
  url: string;
  state: string;
  /** The version being installed, or else the installed one. */
  version?: string;
  thumbprint?: string;
  notAfter?: string;
  /** Consecutive failures; 0 when healthy. */
  attempt: number;
  reason?: string;
  message?: string;
  warnings: string[];
  /** Recent state changes, oldest first. */
  events: EventEntry[];
}

export interface StatusView {
  status: string;
  reason: string;
  message: string;
  certificates: Array<{ url: string; status: string; reason?: string; message: string }>;
}

/** Everything the page draws; sent whole when a page connects. */
export interface InspectorView {
  extension: { state: string };
  status: StatusView;
  certificates: CertificateView[];
}

/** Copies the allow-listed fields of a certificate actor's context; `events` starts empty. */
export function certificateFields(state: string, context: CertificateContext): Omit<CertificateView, 'events'> {
  const current = context.candidate ?? context.installed;
  return {
    url: String(context.url),
    state,
    version: stringOrUndefined(current?.version),
    thumbprint: stringOrUndefined(current?.thumbprint),
    notAfter: stringOrUndefined(current?.notAfter),
    attempt: Number(context.attempt) || 0,
    reason: stringOrUndefined(context.lastError?.reason),
    message: stringOrUndefined(context.lastError?.message),
    warnings: Array.isArray(context.warnings) ? context.warnings.filter((warning) => typeof warning === 'string') : [],
  };
}

/** Copies the allow-listed fields of the overall status. */
export function statusView(report: StatusReport): StatusView {
  return {
    status: report.status,
    reason: report.reason,
    message: report.message,
    certificates: report.certificates.map(({ url, status, reason, message }) => ({ url, status, reason, message })),
  };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
