// A loopback emulator of the IMDS managed-identity token endpoint
// (GET /metadata/identity/oauth2/token, plain HTTP, as on an Azure VM), and optionally of the
// Azure Arc agent's key-file challenge in front of it.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createArcKeyGate, type ArcKeyCheck, type ArcKeyGate } from './arc-key-gate.ts';
import { FaultQueue } from './faults/fault-queue.ts';
import { faultyLifetimes } from './faults/token-fault.ts';
import type { TokenFault } from './faults/token-fault.ts';
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
  /**
   * Behaves like the Azure Arc agent: a request without a valid `Authorization: Basic <key>` gets
   * 401 with a new key file written into `keyFolder` (which must exist). Unset means plain IMDS.
   */
  arc?: { keyFolder: string };
}

export interface TokenRequestRecord {
  /** Empty when the request had none. */
  resource: string;
  clientId?: string;
  status: number;
  /** Arc mode only: whether the request carried no key, an issued key, or another value. */
  arcKey?: ArcKeyCheck;
}

export interface TokenEmulator {
  /** `http://127.0.0.1:<port>/metadata/identity/oauth2/token` */
  endpoint: string;
  /** Client id reported for requests without `client_id` (the system-assigned identity). */
  systemClientId: string;
  verifyToken(token: string, resource: string): boolean;
  requests: TokenRequestRecord[];
  /** Arc mode only: the key files written so far, oldest first; empty otherwise. */
  arcKeyFiles: string[];
  /** Responds to the next `count` valid token requests with `status`, `body` and `headers`. */
  failNext(status: number, count?: number, body?: object, headers?: Record<string, string>): void;
  /** Failures and bad tokens to send in place of good tokens, for the tests in docs/reliability.md. */
  tokenFaults: FaultQueue<TokenFault>;
  /** Every access token issued, oldest first, so that tests can search their output for leaks. */
  issuedTokens: string[];
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
  const tokenFaults = new FaultQueue<TokenFault>();
  const issuedTokens: string[] = [];
  const arcGate = options.arc ? createArcKeyGate(options.arc.keyFolder) : undefined;

  const server = createServer((request, response) => {
    const outcome = respond(request, response);
    requests.push({ ...outcome, status: response.statusCode });
  });

  function respond(request: IncomingMessage, response: ServerResponse): Omit<TokenRequestRecord, 'status'> {
    const url = new URL(request.url ?? '/', `http://${loopbackAddress}`);
    const resource = url.searchParams.get('resource') ?? '';
    const clientId = url.searchParams.get('client_id') ?? undefined;

    const invalid = validateRequest(request, url, options.clientIds);
    if (invalid) {
      sendJson(response, invalid.status, invalid.body);
      return { resource, clientId };
    }

    const arcKey = arcGate?.check(request);
    const record = arcKey ? { resource, clientId, arcKey } : { resource, clientId };
    if (arcGate && arcKey && arcKey !== 'valid') {
      sendChallenge(response, arcGate, arcKey);
      return record;
    }

    const failure = failures.shift();
    if (failure) {
      sendJson(response, failure.status, failure.body, failure.headers);
      return record;
    }

    const fault = tokenFaults.take();
    if (fault?.kind === 'status') {
      sendJson(response, fault.status, defaultFailureBody(fault.status));
      return record;
    }
    sendToken(response, resource, clientId ?? systemClientId, fault);
    return record;
  }

  function sendToken(response: ServerResponse, resource: string, clientId: string, fault: TokenFault | undefined): void {
    const { tokenS, reportedS } = faultyLifetimes(fault, lifetimeS);
    const { token, claims } = signer.issue(resource, tokenS, clientId);
    issuedTokens.push(token);
    sendJson(response, 200, {
      access_token: token,
      refresh_token: '',
      expires_in: String(reportedS),
      expires_on: String(claims.iat + reportedS),
      ext_expires_in: String(reportedS),
      not_before: String(claims.nbf),
      resource,
      token_type: 'Bearer',
      client_id: clientId,
    });
  }

  const port = await listenOnLoopback(server, options.port ?? 0);
  return {
    endpoint: `http://${loopbackAddress}:${port}${tokenPath}`,
    systemClientId,
    verifyToken: (token, resource) => signer.verify(token, resource),
    requests,
    arcKeyFiles: arcGate?.keyFiles ?? [],
    failNext(status, count = 1, body, headers = {}) {
      for (let i = 0; i < count; i += 1) failures.push({ status, body: body ?? defaultFailureBody(status), headers });
    },
    tokenFaults,
    issuedTokens,
    async close() {
      await closeServer(server);
      arcGate?.removeKeyFiles();
    },
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

/** Sends the Arc challenge, or 500 when the key file cannot be written. */
function sendChallenge(response: ServerResponse, gate: ArcKeyGate, check: Exclude<ArcKeyCheck, 'valid'>): void {
  let challenge;
  try {
    challenge = gate.challenge(check);
  } catch (error) {
    sendJson(response, 500, { error: 'unknown', error_description: `The emulator could not write a key file: ${(error as Error).message}` });
    return;
  }
  sendJson(response, challenge.status, challenge.body, challenge.headers);
}

function defaultFailureBody(status: number): object {
  if (status === 400) return { error: 'invalid_request', error_description: 'Identity not found' };
  return { error: 'unknown', error_description: `Emulated failure with status ${status}` };
}
