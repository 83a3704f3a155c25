// Context, input and events of the certificate machine.

/** A version read from Key Vault. `payload` carries the parsed bundle, sealed so it never prints. */
export interface FetchedVersion {
  version: string;
  /** True when the version is the one installed: nothing to parse or install. */
  unchanged: boolean;
  thumbprint?: string;
  notAfter?: string;
  warnings?: string[];
  payload?: unknown;
}

export interface InstalledVersion {
  version: string;
  thumbprint: string;
  notAfter?: string;
}

export interface CertificateContext {
  url: string;
  /** Consecutive failures since the last success; 0 when healthy. */
  attempt: number;
  retryAfterMs?: number;
  installed?: InstalledVersion;
  /** The version being installed. */
  candidate?: FetchedVersion;
  /** Thumbprint installed before the current one, for renewal linking. */
  previousThumbprint?: string;
  lastError?: { reason: string; message: string; state: string };
  warnings: string[];
  /** Number of completed polls, successful or not. */
  polls: number;
  /** Seed of this certificate's retry jitter, in [0, 1); unset means no jitter. */
  jitterSeed?: number;
}

export interface CertificateInput {
  url: string;
  /** Version that the state file records as installed, so a restart costs no install. */
  installed?: InstalledVersion;
  /** Seed of the retry jitter, in [0, 1), drawn by the agent; unset means no jitter. */
  jitterSeed?: number;
}

export type CertificateEvent =
  | { type: 'poll.due' }
  | { type: 'refresh.requested' };
