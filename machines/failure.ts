// Turns an error from an actor into the reason and message a status shows. Works on the
// error's fields (`name`, `reason`, `code`, `step`, `retryAfterMs`) so machines import no adapter.

export interface Failure {
  /** PascalCase fact: SecretNotFound, AccessDenied, Throttled, InvalidCertificate, InstallFailed, ... */
  reason: string;
  message: string;
  retryAfterMs?: number;
}

const storeStepReasons: Record<string, string> = {
  install: 'InstallFailed',
  verify: 'InstallFailed',
  acl: 'KeyAccessFailed',
  link: 'RenewalLinkFailed',
  list: 'StoreUnavailable',
};

function reasonOf(error: Record<string, unknown>): string {
  if (error.name === 'KeyVaultError' && typeof error.reason === 'string') return error.reason;
  if (error.name === 'BundleError') return 'InvalidCertificate';
  if (error.name === 'StoreError' && typeof error.step === 'string') return storeStepReasons[error.step] ?? 'InstallFailed';
  if (error.name === 'ManagedIdentityError') return 'TokenUnavailable';
  return 'UnexpectedError';
}

/** Describes an error thrown by a certificate actor. */
export function describeFailure(error: unknown): Failure {
  if (typeof error !== 'object' || error === null) return { reason: 'UnexpectedError', message: String(error) };
  const fields = error as Record<string, unknown>;
  const retryAfterMs = typeof fields.retryAfterMs === 'number' ? fields.retryAfterMs : undefined;
  return { reason: reasonOf(fields), message: String(fields.message ?? error), retryAfterMs };
}
