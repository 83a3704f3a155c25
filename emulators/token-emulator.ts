// A loopback emulator of the IMDS managed-identity token endpoint
// (GET /metadata/identity/oauth2/token, plain HTTP, as on an Azure VM).
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { closeServer, listenOnLoopback, loopbackAddress, sendJson } from './http-helpers.ts';
import { TokenSigner } from './token-signer.ts';

export const tokenPath = '/metadata/identity/oauth2/token';

export interface TokenEmulatorOptions {
  /** 0 or unset picks a free port. */
  port?: number;
  /** Validity of issued tokens in seconds. Default 3600, as IMDS. */
  tokenLifetimeS?: number;
  /** Client ids of the user-assigned identities "assigned to this VM"; unset accepts any client_id. */
  clientIds?: string[];
  /** Clock in Unix milliseconds, for expiry tests. */
  now?: () => number;
}

export interface TokenRequestRecord {
  /** Empty when the request had none. */
  resource: string;
  clientId?: string;
  status: number;
}

export interface TokenEmulator {
  /** `http://127.0.0.1:<port>/metadata/identity/oauth2/token` */
  endpoint: string;
  /** Client id reported for requests without `client_id` (the system-assigned identity). */
  systemClientId: string;
  verifyToken(token: string, resource: string): boolean;
  requests: TokenRequestRecord[];
  /** Responds to the next `count` valid token requests with `status`, `body` and `headers`. */
  failNext(status: number, count?: number, body?: object, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

interface QueuedFailure {
  status: number;
  body: object;
  headers: Record<string, string>;
}

/** Starts the token emulator on 127.0.0.1. */
export async function startTokenEmulator(options: TokenEmulatorOptions = {}): Promise<TokenEmulator> {
  const now = options.now ?? Date.now;
  const lifetimeS = options.tokenLifetimeS ?? 3600;
  const signer = new TokenSigner(now);
  const systemClientId = randomUUID();
  const requests: TokenRequestRecord[] = [];
  const failures: QueuedFailure[] = [];

  const server = createServer((request, response) => {
    const outcome = respond(request, response);
    requests.push({ ...outcome, status: response.statusCode });
  });

  function respond(request: IncomingMessage, response: ServerResponse): { resource: string; clientId?: string } {
    const url = new URL(request.url ?? '/', `http://${loopbackAddress}`);
    const resource = url.searchParams.get('resource') ?? '';
    const clientId = url.searchParams.get('client_id') ?? undefined;

    const invalid = validateRequest(request, url, options.clientIds);
    if (invalid) {
      sendJson(response, invalid.status, invalid.body);
      return { resource, clientId };
    }

    const failure = failures.shift();
    if (failure) {
      sendJson(response, failure.status, failure.body, failure.headers);
      return { resource, clientId };
    }

    const { token, claims } = signer.issue(resource, lifetimeS, clientId ?? systemClientId);
    sendJson(response, 200, {
      access_token: token,
      refresh_token: '',
      expires_in: String(lifetimeS),
      expires_on: String(claims.exp),
      ext_expires_in: String(lifetimeS),
      not_before: String(claims.nbf),
      resource,
      token_type: 'Bearer',
      client_id: clientId ?? systemClientId,
    });
    return { resource, clientId };
  }

  const port = await listenOnLoopback(server, options.port ?? 0);
  return {
    endpoint: `http://${loopbackAddress}:${port}${tokenPath}`,
    systemClientId,
    verifyToken: (token, resource) => signer.verify(token, resource),
    requests,
    failNext(status, count = 1, body, headers = {}) {
      for (let i = 0; i < count; i += 1) failures.push({ status, body: body ?? defaultFailureBody(status), headers });
    },
    close: () => closeServer(server),
  };
}

/** Validates the request as IMDS does. Returns the error response, or undefined for a valid request. */
function validateRequest(request: IncomingMessage, url: URL, clientIds: string[] | undefined):
  { status: number; body: object } | undefined {
  if (url.pathname !== tokenPath) {
    return { status: 404, body: { error: 'not_found', error_description: `No endpoint at ${url.pathname}` } };
  }
  if (request.method !== 'GET') {
    return { status: 405, body: { error: 'invalid_request', error_description: 'Only GET is allowed' } };
  }
  if (request.headers.metadata !== 'true') {
    return { status: 400, body: { error: 'bad_request_102', error_description: 'Required metadata header not specified' } };
  }
  if (!url.searchParams.get('api-version')) {
    return { status: 400, body: { error: 'invalid_request', error_description: 'Required query variable api-version is missing' } };
  }
  if (!url.searchParams.get('resource')) {
    return { status: 400, body: { error: 'invalid_request', error_description: 'Required query variable resource is missing' } };
  }

  const selectors = ['client_id', 'object_id', 'msi_res_id'].filter((name) => url.searchParams.has(name));
  if (selectors.length > 1) {
    return { status: 400, body: { error: 'invalid_request', error_description: 'Give only one of client_id, object_id, msi_res_id' } };
  }

  const clientId = url.searchParams.get('client_id');
  if (clientId && clientIds && !clientIds.includes(clientId)) {
    return { status: 400, body: { error: 'invalid_request', error_description: 'Identity not found' } };
  }
  return undefined;
}

function defaultFailureBody(status: number): object {
  if (status === 400) return { error: 'invalid_request', error_description: 'Identity not found' };
  return { error: 'unknown', error_description: `Emulated failure with status ${status}` };
}
