// The small interface the agent uses to read certificate secrets, and its errors.
import type { SecretRef } from './secret-url.ts';

/** One version of a secret as Key Vault returned it. `value` is secret material: never log it. */
export interface FetchedSecret {
  value: string;
  contentType?: string;
  /** The version id: the last segment of the secret id. */
  version: string;
  /** The full secret id, `https://<vault>/secrets/<name>/<version>`. */
  id: string;
  enabled: boolean;
  notBefore?: Date;
  expiresOn?: Date;
  createdOn?: Date;
  /** `attributes.updated` of this version, in whole seconds. */
  updatedOn?: Date;
  /** The response's Date header: the vault's clock when it sent the response, in whole seconds. */
  serverTime?: Date;
}

/** Reads secrets from Key Vault. */
export interface SecretSource {
  /**
   * Returns the version the reference pins, or the latest one. Needs secrets/get.
   * Throws KeyVaultError for responses other than 200.
   */
  getSecret(ref: SecretRef, signal?: AbortSignal): Promise<FetchedSecret>;
}

/** The reason a Key Vault request failed, as a PascalCase fact for status reasons. */
export type KeyVaultFailure =
  | 'AccessDenied'
  | 'SecretDisabled'
  | 'SecretNotFound'
  | 'Throttled'
  | 'Unauthenticated'
  | 'ServiceUnavailable'
  | 'NetworkError'
  | 'InvalidResponse';

/** A failed Key Vault request. Carries the status and the server's error code, never the token. */
export class KeyVaultError extends Error {
  override name = 'KeyVaultError';
  readonly certificateUrl: string;
  readonly statusCode: number | undefined;
  readonly reason: KeyVaultFailure;
  readonly serverCode: string | undefined;
  /** From Retry-After on 429 or 503, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(fields: {
    certificateUrl: string;
    statusCode?: number;
    reason: KeyVaultFailure;
    serverCode?: string;
    retryAfterMs?: number;
    message: string;
  }, options?: ErrorOptions) {
    super(fields.message, options);
    this.certificateUrl = fields.certificateUrl;
    this.statusCode = fields.statusCode;
    this.reason = fields.reason;
    this.serverCode = fields.serverCode;
    this.retryAfterMs = fields.retryAfterMs;
  }
}
