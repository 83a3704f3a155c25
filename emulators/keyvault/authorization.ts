// The bearer-token check and the 401 challenge that starts the SDK's authentication.
import { keyVaultError } from './error-bodies.ts';
import type { EmulatorResponse } from './error-bodies.ts';

/** The token audience of the public cloud's Key Vault, which the emulator's challenge names. */
export const vaultResource = 'https://vault.azure.net';

/**
 * Returns the WWW-Authenticate value of the 401 challenge. It has the exact `key="value"` form
 * the SDK parses, with no spaces inside the values.
 */
export function challengeHeader(tenantId: string, resource = vaultResource): string {
  return `Bearer authorization="https://login.microsoftonline.com/${tenantId}", resource="${resource}"`;
}

/**
 * Returns a 401 response with the challenge when the request has no valid bearer token for
 * `resource`, or undefined when the token is valid.
 */
export function checkAuthorization(
  header: string | undefined,
  tenantId: string,
  verifyToken: (token: string, resource: string) => boolean,
  resource = vaultResource,
): EmulatorResponse | undefined {
  const challenge = challengeHeader(tenantId, resource);
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');

  if (!match) {
    return keyVaultError(401, 'Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.', undefined,
      { 'www-authenticate': challenge });
  }
  if (!verifyToken(match[1], resource)) {
    return keyVaultError(401, 'Unauthorized', 'The bearer token is invalid, expired or for another resource.', undefined,
      { 'www-authenticate': `${challenge}, error="invalid_token"` });
  }
  return undefined;
}
