// A loopback HTTPS emulator of the Key Vault secrets API, with challenge authentication
// against tokens from the token emulator.
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { closeServer, listenOnLoopback, loopbackAddress, readBody, sendJson } from './http-helpers.ts';
import { ConnectionFaults } from './faults/connection-faults.ts';
import { FaultQueue } from './faults/fault-queue.ts';
import { FixedWindowLimiter } from './faults/rate-limiter.ts';
import type { RateLimitOptions } from './faults/rate-limiter.ts';
import { bearerAudience } from './faults/token-audience.ts';
import { sendWithFault } from './faults/vault-fault.ts';
import type { VaultFault } from './faults/vault-fault.ts';
import { challengeHeader, checkAuthorization, vaultResource } from './keyvault/authorization.ts';
import { emulatedFailure, keyVaultError } from './keyvault/error-bodies.ts';
import type { EmulatorResponse } from './keyvault/error-bodies.ts';
import { routeRequest } from './keyvault/routes.ts';
import { listForbidden } from './keyvault/secret-listing.ts';
import { secretId } from './keyvault/secret-json.ts';
import { SecretStore } from './keyvault/secret-store.ts';
import { createServerTls } from './keyvault/tls-certificates.ts';
import type { ServerTls } from './keyvault/tls-certificates.ts';

export interface KeyVaultEmulatorOptions {
  /** Accepts a bearer token for a resource; pass the token emulator's `verifyToken`. */
  verifyToken: (token: string, resource: string) => boolean;
  /** 0 or unset picks a free port. */
  port?: number;
  /** Clock in Unix milliseconds for the created/updated times. */
  now?: () => number;
  /** Token audience that the 401 challenge names and accepted tokens carry. Default `https://vault.azure.net`. */
  resource?: string;
  /** Rejects authenticated GETs beyond this many per window with 429 and Retry-After. Unset means no limit. */
  rateLimit?: RateLimitOptions;
}

export interface VaultRequestRecord {
  method: string;
  /** The path without the query. */
  path: string;
  status: number;
  /** Whether the request carried an Authorization header. */
  authorization: boolean;
  /** The unverified `aud` claim of the bearer token; the token itself is not kept. */
  audience?: string;
  /** The kind of fault applied to this request, if any. */
  fault?: VaultFault['kind'];
}

/** Test controls that make the vault misbehave, described in docs/reliability.md. */
export interface VaultFaultControls {
  /** Faults for authenticated requests, applied before the rate limit and `failNext`. */
  requests: FaultQueue<VaultFault>;
  /** Resets of new TCP connections before the TLS handshake. */
  connections: ConnectionFaults;
  /** Number of 429 responses the rate limit sent. */
  throttled(): number;
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
  /** With true, responds to the secret listing (GET /secrets) with 403, as for an identity without secrets/list. */
  denyListing(denied: boolean): void;
  requests: VaultRequestRecord[];
  faults: VaultFaultControls;
  /**
   * Closes every connection and listens again on the same port with the same secrets. With
   * `untrustedCertificate`, the new server certificate comes from a new CA that clients do not trust;
   * without it, the original certificate is served again.
   */
  restart(options?: { untrustedCertificate?: boolean }): Promise<void>;
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
  const resource = options.resource ?? vaultResource;
  const faultQueue = new FaultQueue<VaultFault>();
  const connectionFaults = new ConnectionFaults();
  const limiter = options.rateLimit ? new FixedWindowLimiter(options.rateLimit) : undefined;
  let vaultUrl = '';
  let listingDenied = false;

  /** Checks the token. A request with a valid one gets the next queued fault, if any, instead of a response. */
  function authorize(request: IncomingMessage): { denied: EmulatorResponse } | { fault: VaultFault | undefined } {
    const denied = checkAuthorization(request.headers.authorization, tenantId, options.verifyToken, resource);
    return denied ? { denied } : { fault: faultQueue.take() };
  }

  async function respond(request: IncomingMessage): Promise<EmulatorResponse> {
    const throttled = request.method === 'GET' ? limiter?.check() : undefined;
    if (throttled && !throttled.allowed) return emulatedFailure(429, { 'retry-after': String(throttled.retryAfterS) });

    const failure = failures.shift();
    if (failure) return failure;

    const url = new URL(request.url ?? '/', vaultUrl);
    if (listingDenied && request.method === 'GET' && /^\/secrets\/?$/.test(url.pathname)) return listForbidden();
    return routeRequest({ method: request.method ?? 'GET', url, bodyText: await readBody(request) }, store, vaultUrl);
  }

  async function respondSafely(request: IncomingMessage): Promise<EmulatorResponse> {
    try {
      return await respond(request);
    } catch (error) {
      return keyVaultError(500, 'InternalServerError', `The emulator failed: ${(error as Error).message}`);
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const access = authorize(request);
    if ('denied' in access) {
      sendJson(response, access.denied.status, access.denied.body, access.denied.headers);
    } else if (access.fault) {
      await sendWithFault(response, access.fault, challengeHeader(tenantId, resource), () => respondSafely(request));
    } else {
      const result = await respondSafely(request);
      sendJson(response, result.status, result.body, result.headers);
    }

    const path = (request.url ?? '/').split('?')[0];
    const authorization = request.headers.authorization;
    const audience = bearerAudience(authorization);
    const fault = 'fault' in access ? access.fault?.kind : undefined;
    requests.push({
      method: request.method ?? 'GET', path, status: response.statusCode, authorization: !!authorization,
      ...(audience ? { audience } : {}), ...(fault ? { fault } : {}),
    });
  }

  function startServer(material: ServerTls): Server {
    const created = createServer({ key: material.keyPem, cert: material.certPem }, (request, response) => void handle(request, response));
    connectionFaults.attach(created);
    return created;
  }

  let server = startServer(tls);
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
    denyListing(denied) {
      listingDenied = denied;
    },
    requests,
    faults: { requests: faultQueue, connections: connectionFaults, throttled: () => limiter?.rejected ?? 0 },
    async restart(restartOptions = {}) {
      await closeServer(server);
      server = startServer(restartOptions.untrustedCertificate ? await createServerTls() : tls);
      await listenOnLoopback(server, port);
    },
    close: () => closeServer(server),
  };
}
