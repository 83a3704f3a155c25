// A loopback HTTPS emulator of the Key Vault secrets API, with challenge authentication
// against tokens from the token emulator.
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { closeServer, listenOnLoopback, loopbackAddress, readBody, sendJson } from './http-helpers.ts';
import { checkAuthorization } from './keyvault/authorization.ts';
import { emulatedFailure, keyVaultError } from './keyvault/error-bodies.ts';
import type { EmulatorResponse } from './keyvault/error-bodies.ts';
import { routeRequest } from './keyvault/routes.ts';
import { secretId } from './keyvault/secret-json.ts';
import { SecretStore } from './keyvault/secret-store.ts';
import { createServerTls } from './keyvault/tls-certificates.ts';

export interface KeyVaultEmulatorOptions {
  /** Accepts a bearer token for a resource; pass the token emulator's `verifyToken`. */
  verifyToken: (token: string, resource: string) => boolean;
  /** 0 or unset picks a free port. */
  port?: number;
  /** Clock in Unix milliseconds for the created/updated times. */
  now?: () => number;
}

export interface VaultRequestRecord {
  method: string;
  /** The path without the query. */
  path: string;
  status: number;
  /** Whether the request carried an Authorization header. */
  authorization: boolean;
}

export interface EmulatedSecretInput {
  value: string;
  contentType?: string;
  enabled?: boolean;
  tags?: Record<string, string>;
}

export interface KeyVaultEmulator {
  /** `https://127.0.0.1:<port>`, the vault URL. */
  url: string;
  /** The CA certificate that signed the server certificate; clients must trust it. */
  caPem: string;
  /** The tenant id named in the 401 challenge. */
  tenantId: string;
  /**
   * Adds a version and makes it the latest. A certificate content type (PKCS#12 or PEM)
   * makes the version look certificate-backed (`managed`, `kid`), as Key Vault does.
   */
  setSecret(name: string, secret: EmulatedSecretInput): { version: string; id: string };
  /** Throws when the version does not exist. */
  setEnabled(name: string, version: string, enabled: boolean): void;
  deleteSecret(name: string): void;
  /** Responds to the next `count` authenticated requests with `status`, a Key Vault error body and `headers`. */
  failNext(status: number, count?: number, headers?: Record<string, string>): void;
  requests: VaultRequestRecord[];
  close(): Promise<void>;
}

const certificateContentTypes = new Set(['application/x-pkcs12', 'application/x-pem-file']);

/** Starts the Key Vault emulator on 127.0.0.1 with a new CA and server certificate. */
export async function startKeyVaultEmulator(options: KeyVaultEmulatorOptions): Promise<KeyVaultEmulator> {
  const tls = await createServerTls();
  const store = new SecretStore(options.now);
  const tenantId = randomUUID();
  const requests: VaultRequestRecord[] = [];
  const failures: EmulatorResponse[] = [];
  let vaultUrl = '';

  async function respond(request: IncomingMessage): Promise<EmulatorResponse> {
    const denied = checkAuthorization(request.headers.authorization, tenantId, options.verifyToken);
    if (denied) return denied;

    const failure = failures.shift();
    if (failure) return failure;

    const url = new URL(request.url ?? '/', vaultUrl);
    return routeRequest({ method: request.method ?? 'GET', url, bodyText: await readBody(request) }, store, vaultUrl);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let result: EmulatorResponse;
    try {
      result = await respond(request);
    } catch (error) {
      result = keyVaultError(500, 'InternalServerError', `The emulator failed: ${(error as Error).message}`);
    }

    sendJson(response, result.status, result.body, result.headers);
    const path = (request.url ?? '/').split('?')[0];
    requests.push({ method: request.method ?? 'GET', path, status: result.status, authorization: !!request.headers.authorization });
  }

  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, (request, response) => void handle(request, response));
  const port = await listenOnLoopback(server, options.port ?? 0);
  vaultUrl = `https://${loopbackAddress}:${port}`;

  return {
    url: vaultUrl,
    caPem: tls.caPem,
    tenantId,
    setSecret(name, secret) {
      const managed = certificateContentTypes.has(secret.contentType ?? '');
      const entry = store.add(name, { ...secret, managed });
      return { version: entry.version, id: secretId(vaultUrl, entry) };
    },
    setEnabled(name, version, enabled) {
      if (!store.setEnabled(name, version, enabled)) throw new Error(`Secret '${name}' has no version '${version}'.`);
    },
    deleteSecret(name) {
      store.delete(name);
    },
    failNext(status, count = 1, headers) {
      for (let i = 0; i < count; i += 1) failures.push(emulatedFailure(status, headers));
    },
    requests,
    close: () => closeServer(server),
  };
}
