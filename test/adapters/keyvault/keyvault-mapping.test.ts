import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { KeyVaultSecret } from '@azure/keyvault-secrets';
import { toFetchedSecret, toKeyVaultError, toSecretVersionInfo, versionFromId } from '../../../adapters/keyvault/keyvault-mapping.ts';
import { KeyVaultError } from '../../../adapters/keyvault/secret-source.ts';
import { parseSecretUrl } from '../../../adapters/keyvault/secret-url.ts';
import { ManagedIdentityError } from '../../../adapters/imds/managed-identity-error.ts';

const ref = parseSecretUrl('https://contoso.vault.azure.net/secrets/web');

function restError(statusCode: number | undefined, fields: { code?: string; inner?: string; message?: string; headers?: Record<string, string> } = {}): Error {
  const headers = fields.headers ?? {};
  return Object.assign(new Error(fields.message ?? 'Service error'), {
    name: 'RestError',
    statusCode,
    code: fields.code,
    details: fields.code ? { error: { code: fields.code, message: fields.message, innerError: fields.inner ? { code: fields.inner } : undefined } } : undefined,
    response: { headers: { get: (name: string) => headers[name.toLowerCase()] } },
  });
}

function mapped(error: unknown): KeyVaultError {
  const result = toKeyVaultError(error, ref, Date.parse('2030-01-01T00:00:00Z'));
  assert.instance(result, KeyVaultError);
  return result as KeyVaultError;
}

const errors = suite('key vault error mapping');

errors('maps statuses to reasons', () => {
  const cases: Array<[Error, string]> = [
    [restError(401, { code: 'Unauthorized' }), 'Unauthenticated'],
    [restError(403, { code: 'Forbidden', inner: 'SecretDisabled' }), 'SecretDisabled'],
    [restError(403, { code: 'Forbidden', inner: 'ForbiddenByRbac' }), 'AccessDenied'],
    [restError(403, { code: 'Forbidden' }), 'AccessDenied'],
    [restError(404, { code: 'SecretNotFound' }), 'SecretNotFound'],
    [restError(429, { code: 'Throttled' }), 'Throttled'],
    [restError(500), 'ServiceUnavailable'],
    [restError(503), 'ServiceUnavailable'],
    [restError(400, { code: 'BadParameter' }), 'InvalidResponse'],
    [restError(undefined, { code: 'ECONNREFUSED' }), 'NetworkError'],
    [new TypeError('socket hang up'), 'NetworkError'],
  ];
  for (const [error, reason] of cases) {
    assert.is(mapped(error).reason, reason, `${(error as { statusCode?: number }).statusCode} ${error.message}`);
  }
});

errors('names the URL and the fix for AccessDenied', () => {
  const error = mapped(restError(403, { code: 'Forbidden', inner: 'AccessDenied', message: 'The user does not have secrets get permission.' }));

  assert.is(error.message, 'Key Vault returned 403 AccessDenied for https://contoso.vault.azure.net/secrets/web: ' +
    'The user does not have secrets get permission. Grant the VM identity \'get\' on secrets of vault \'contoso\' ' +
    '(role Key Vault Secrets User), and allow this machine through the vault firewall.');
  assert.is(error.certificateUrl, ref.url);
  assert.is(error.serverCode, 'AccessDenied');
});

errors('reads Retry-After forms', () => {
  assert.is(mapped(restError(429, { headers: { 'retry-after': '7' } })).retryAfterMs, 7_000);
  assert.is(mapped(restError(429, { headers: { 'retry-after': 'Tue, 01 Jan 2030 00:00:09 GMT' } })).retryAfterMs, 9_000);
  assert.is(mapped(restError(503, { headers: { 'x-ms-retry-after-ms': '250' } })).retryAfterMs, 250);
  assert.is(mapped(restError(429)).retryAfterMs, undefined);
  assert.is(mapped(restError(404, { headers: { 'retry-after': '7' } })).retryAfterMs, undefined);
});

errors('explains an untrusted TLS certificate', () => {
  const error = mapped(restError(undefined, { code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' }));

  assert.is(error.reason, 'NetworkError');
  assert.match(error.message, /TLS certificate of 'contoso.vault.azure.net' is not trusted/);
});

errors('wraps a managed identity failure', () => {
  const identity = new ManagedIdentityError({
    endpoint: 'http://127.0.0.1:1/metadata/identity/oauth2/token',
    resource: 'https://vault.azure.net',
    failure: { kind: 'status', statusCode: 400, body: { error: 'invalid_request', errorDescription: 'Identity not found' }, attempts: 1 },
  });

  const error = mapped(Object.assign(new Error('wrapped'), { cause: identity }));

  assert.is(error.reason, 'Unauthenticated');
  assert.match(error.message, /Identity not found/);
  assert.is(error.cause instanceof Error, true);
});

errors('returns an AbortError unchanged', () => {
  const abort = new DOMException('The operation was aborted.', 'AbortError');
  assert.is(toKeyVaultError(abort, ref), abort);
});

const secrets = suite('key vault secret mapping');

secrets('takes the version from the id', () => {
  assert.is(versionFromId('https://contoso.vault.azure.net/secrets/web/4387e9f3d6e14c459867679a90fd0f79'), '4387e9f3d6e14c459867679a90fd0f79');
  assert.is(versionFromId('https://contoso.vault.azure.net:443/secrets/web/abc/'), 'abc');
});

secrets('converts a secret', () => {
  const created = new Date('2030-01-01T00:00:00Z');
  const secret = {
    name: 'web',
    value: 'MIIK',
    properties: {
      id: 'https://contoso.vault.azure.net/secrets/web/0123456789abcdef0123456789abcdef',
      version: 'ignored',
      name: 'web',
      vaultUrl: 'https://contoso.vault.azure.net',
      contentType: 'application/x-pkcs12',
      enabled: false,
      createdOn: created,
    },
  } as KeyVaultSecret;

  assert.equal(toFetchedSecret(secret, ref), {
    value: 'MIIK',
    contentType: 'application/x-pkcs12',
    version: '0123456789abcdef0123456789abcdef',
    id: secret.properties.id,
    enabled: false,
    notBefore: undefined,
    expiresOn: undefined,
    createdOn: created,
  });
});

secrets('rejects a secret without value', () => {
  const secret = { name: 'web', properties: { id: 'https://contoso.vault.azure.net/secrets/web/1', name: 'web', vaultUrl: '' } } as KeyVaultSecret;

  try {
    toFetchedSecret(secret, ref);
    assert.unreachable('expected KeyVaultError');
  } catch (error) {
    assert.instance(error, KeyVaultError);
    assert.is((error as KeyVaultError).reason, 'InvalidResponse');
  }
});

secrets('converts version properties', () => {
  const info = toSecretVersionInfo({
    id: 'https://contoso.vault.azure.net/secrets/web/abc',
    name: 'web',
    vaultUrl: 'https://contoso.vault.azure.net',
    managed: true,
  });

  assert.is(info.version, 'abc');
  assert.is(info.enabled, true);
  assert.is(info.managed, true);
});

errors.run();
secrets.run();
