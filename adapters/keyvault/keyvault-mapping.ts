// Conversions between @azure/keyvault-secrets types and ours: secrets to FetchedSecret,
// SDK errors to KeyVaultError with a message that names the certificate URL and the fix.
import type { KeyVaultSecret, SecretProperties } from '@azure/keyvault-secrets';
import { parseRetryAfterMs } from '../imds/backoff.ts';
import { ManagedIdentityError } from '../imds/managed-identity-error.ts';
import { KeyVaultError } from './secret-source.ts';
import type { FetchedSecret, KeyVaultFailure } from './secret-source.ts';
import type { SecretRef } from './secret-url.ts';

/** Properties of one secret version from a versions listing (no value). */
export interface SecretVersionInfo {
  version: string;
  id: string;
  enabled: boolean;
  contentType?: string;
  createdOn?: Date;
  notBefore?: Date;
  expiresOn?: Date;
  /** True when the version backs a Key Vault certificate. */
  managed: boolean;
}

/** The fields of the SDK's RestError that the mapping reads. */
interface RestErrorLike {
  name: string;
  message: string;
  statusCode?: number;
  code?: string;
  response?: { headers: { get(name: string): string | undefined } };
  details?: { error?: { code?: string; message?: string; innerError?: { code?: string } } };
}

/** RestError.PARSE_ERROR: the response body could not be read or parsed. */
const parseErrorCode = 'PARSE_ERROR';

const tlsErrorCodes = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED',
]);

/** Returns the version id: the last path segment of a secret id. */
export function versionFromId(id: string): string {
  return new URL(id).pathname.split('/').filter((segment) => segment !== '').at(-1) ?? '';
}

/** Converts a fetched secret. Throws KeyVaultError (InvalidResponse) when the value or id is missing. */
export function toFetchedSecret(secret: KeyVaultSecret, ref: SecretRef): FetchedSecret {
  const { properties } = secret;
  if (secret.value === undefined || !properties.id) {
    throw new KeyVaultError({
      certificateUrl: ref.url,
      statusCode: 200,
      reason: 'InvalidResponse',
      message: `Key Vault returned ${ref.url} without a value or id. Check that the URL names a secret.`,
    });
  }

  return {
    value: secret.value,
    contentType: properties.contentType,
    version: versionFromId(properties.id),
    id: properties.id,
    enabled: properties.enabled ?? true,
    notBefore: properties.notBefore,
    expiresOn: properties.expiresOn,
    createdOn: properties.createdOn,
    ...(properties.updatedOn ? { updatedOn: properties.updatedOn } : {}),
  };
}

export function toSecretVersionInfo(properties: SecretProperties): SecretVersionInfo {
  const id = properties.id ?? '';
  return {
    version: id ? versionFromId(id) : properties.version ?? '',
    id,
    enabled: properties.enabled ?? true,
    contentType: properties.contentType,
    createdOn: properties.createdOn,
    notBefore: properties.notBefore,
    expiresOn: properties.expiresOn,
    managed: properties.managed ?? false,
  };
}

/** Converts any failure of a Key Vault call; an AbortError is returned unchanged. */
export function toKeyVaultError(error: unknown, ref: SecretRef, nowMs: number = Date.now()): Error {
  if (error instanceof Error && error.name === 'AbortError') return error;

  const identityError = findManagedIdentityError(error);
  if (identityError) {
    return new KeyVaultError({
      certificateUrl: ref.url,
      reason: 'Unauthenticated',
      message: `Could not get a managed identity token to read ${ref.url}. ${identityError.message}`,
    }, { cause: error });
  }

  if (!isRestError(error)) {
    const text = error instanceof Error ? error.message : String(error);
    return networkError(ref, undefined, text, error);
  }
  if (error.code === parseErrorCode) return unreadableResponse(error, ref);
  if (error.statusCode === undefined) return networkError(ref, error.code, error.message, error);
  return httpError(error, error.statusCode, ref, nowMs);
}

function httpError(error: RestErrorLike, statusCode: number, ref: SecretRef, nowMs: number): KeyVaultError {
  const serverCode = error.details?.error?.innerError?.code ?? error.details?.error?.code ?? error.code;
  const serverText = cleanServerText(error.details?.error?.message ?? error.message);
  const status = `${statusCode}${serverCode ? ` ${serverCode}` : ''}`;
  const [reason, advice] = classify(statusCode, serverCode, ref);
  const retryAfterMs = statusCode === 429 || statusCode === 503 ? retryAfterOf(error, nowMs) : undefined;

  const wait = retryAfterMs !== undefined ? ` Retry-After asks for ${Math.ceil(retryAfterMs / 1000)} s.` : '';
  return new KeyVaultError({
    certificateUrl: ref.url,
    statusCode,
    reason,
    serverCode,
    retryAfterMs,
    message: `Key Vault returned ${status} for ${ref.url}: ${serverText}. ${advice}${wait}`,
  }, { cause: error });
}

function classify(statusCode: number, serverCode: string | undefined, ref: SecretRef): [KeyVaultFailure, string] {
  if (statusCode === 401) {
    return ['Unauthenticated', 'Check that the managed identity (authenticationSettings.msiClientId) belongs to the vault\'s tenant.'];
  }
  if (statusCode === 403 && serverCode === 'SecretDisabled') {
    return ['SecretDisabled', 'Enable the secret version in Key Vault, or point observedCertificates[].url at an enabled version.'];
  }
  if (statusCode === 403) {
    return ['AccessDenied', `Grant the VM identity 'get' on secrets of vault '${ref.vaultName}' (role Key Vault Secrets User), ` +
      'and allow this machine through the vault firewall.'];
  }
  if (statusCode === 404) {
    return ['SecretNotFound', 'Check the secret name and version in observedCertificates[].url.'];
  }
  if (statusCode === 429) return ['Throttled', 'The vault is throttling requests; kvcert backs off and tries again.'];
  if (statusCode >= 500) return ['ServiceUnavailable', 'The service failed; kvcert tries again with backoff.'];
  return ['InvalidResponse', 'kvcert does not handle this status. Check observedCertificates[].url.'];
}

/**
 * Replaces an SDK PARSE_ERROR with kvcert's own message. The SDK's message contains the whole
 * response body, which for a secret is the secret value, so neither that message nor the
 * error that carries it is kept.
 */
function unreadableResponse(error: RestErrorLike, ref: SecretRef): KeyVaultError {
  if (error.statusCode === undefined) {
    return new KeyVaultError({
      certificateUrl: ref.url,
      reason: 'NetworkError',
      serverCode: parseErrorCode,
      message: `The connection to Key Vault closed before the whole response for ${ref.url} arrived. kvcert tries again with backoff.`,
    });
  }
  const contentType = cleanServerText(error.response?.headers.get('content-type') ?? 'none');
  return new KeyVaultError({
    certificateUrl: ref.url,
    statusCode: error.statusCode,
    reason: 'InvalidResponse',
    serverCode: parseErrorCode,
    message: `Key Vault returned ${error.statusCode} for ${ref.url} with a body that is cut off or not JSON ` +
      `(content type ${contentType}). A proxy between this machine and the vault may have answered. kvcert tries again with backoff.`,
  });
}

function networkError(ref: SecretRef, code: string | undefined, text: string, cause: unknown): KeyVaultError {
  const advice = code && tlsErrorCodes.has(code)
    ? `The TLS certificate of '${ref.vaultHost}' is not trusted. For a vault emulator, pass its CA certificate to kvcert.`
    : 'Check DNS, the proxy settings (HTTPS_PROXY, NO_PROXY) and the vault firewall.';
  return new KeyVaultError({
    certificateUrl: ref.url,
    reason: 'NetworkError',
    serverCode: code,
    message: `Could not reach Key Vault for ${ref.url}${code ? ` (${code})` : ''}: ${cleanServerText(text)}. ${advice}`,
  }, { cause });
}

function retryAfterOf(error: RestErrorLike, nowMs: number): number | undefined {
  const headers = error.response?.headers;
  if (!headers) return undefined;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = Number(headers.get(name));
    if (headers.get(name) && Number.isFinite(value)) return value;
  }
  return parseRetryAfterMs(headers.get('retry-after'), nowMs);
}

function isRestError(error: unknown): error is RestErrorLike {
  return error instanceof Error && error.name === 'RestError';
}

function findManagedIdentityError(error: unknown): ManagedIdentityError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    if (current instanceof ManagedIdentityError) return current;
  }
  return undefined;
}

/** Strips control characters and cuts long server text so that one error stays one log line. */
function cleanServerText(text: string): string {
  const plain = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().replace(/\.$/, '');
  return plain.length > 300 ? `${plain.slice(0, 300)}…` : plain;
}
