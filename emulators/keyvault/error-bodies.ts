// Key Vault error responses: `{"error":{"code","message","innererror"}}` with the status that goes with them.

/** A complete emulator response: status, JSON body and extra headers. */
export interface EmulatorResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Builds a Key Vault error response; `innerCode` becomes `innererror.code`. */
export function keyVaultError(status: number, code: string, message: string, innerCode?: string, headers?: Record<string, string>): EmulatorResponse {
  const error: Record<string, unknown> = { code, message };
  if (innerCode) error.innererror = { code: innerCode };
  return { status, body: { error }, headers };
}

export function secretNotFound(name: string, version?: string): EmulatorResponse {
  const id = version ? `${name}/${version}` : name;
  return keyVaultError(404, 'SecretNotFound', `A secret with (name/id) ${id} was not found in this key vault.`);
}

export function secretDisabled(): EmulatorResponse {
  return keyVaultError(403, 'Forbidden', 'Operation get is not allowed on a disabled secret.', 'SecretDisabled');
}

export function badParameter(message: string): EmulatorResponse {
  return keyVaultError(400, 'BadParameter', message);
}

/** Returns the error response that `failNext(status)` sends, with a typical code and message for the status. */
export function emulatedFailure(status: number, headers?: Record<string, string>): EmulatorResponse {
  switch (status) {
    case 401:
      return keyVaultError(401, 'Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.', undefined, headers);
    case 403:
      return keyVaultError(403, 'Forbidden',
        'The user, group or application does not have secrets get permission on key vault.', 'AccessDenied', headers);
    case 404:
      return keyVaultError(404, 'SecretNotFound', 'A secret was not found in this key vault.', undefined, headers);
    case 429:
      return keyVaultError(429, 'Throttled',
        'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached', undefined, headers);
    case 503:
      return keyVaultError(503, 'ServiceUnavailable', 'The service is temporarily unavailable.', undefined, headers);
    default:
      return keyVaultError(status, status >= 500 ? 'InternalServerError' : 'BadRequest', `Emulated failure with status ${status}.`, undefined, headers);
  }
}
