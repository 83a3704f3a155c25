// Ways the Key Vault emulator can misbehave on an authenticated request, and the code that
// writes each one to the wire. Tests use them to check that the agent survives a broken vault.
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { emulatedFailure, keyVaultError } from '../keyvault/error-bodies.ts';
import type { EmulatorResponse } from '../keyvault/error-bodies.ts';

export type VaultFault =
  /** A Key Vault error body with this status, as `failNext` sends. */
  | { kind: 'status'; status: number; headers?: Record<string, string> }
  /** The normal response, sent after `delayMs` unless the client closed the connection first. */
  | { kind: 'delay'; delayMs: number }
  /** The status line, headers and half the body, then the socket is destroyed. */
  | { kind: 'drop' }
  /** A complete 200 response (chunked, so the length matches) whose JSON body is cut in half. */
  | { kind: 'truncated-body' }
  /** A 200 response labelled JSON whose body is an HTML error page, as some proxies send. */
  | { kind: 'non-json-body' }
  /** The normal body under another content type, e.g. `text/html`. */
  | { kind: 'content-type'; contentType: string }
  /** A redirect to `location` (301, 302 or 307; default 302) instead of the response. */
  | { kind: 'redirect'; location: string; status?: number }
  /** 401 with `error="invalid_token"` although the token is valid, as for a revoked token. */
  | { kind: 'reject-token' };

/**
 * Sends the response that `fault` describes. `respond` produces the normal response, which
 * only the faults that distort it (delay, drop, truncated body, content type) ask for.
 * `challenge` is the vault's 401 WWW-Authenticate value.
 */
export async function sendWithFault(response: ServerResponse, fault: VaultFault, challenge: string, respond: () => Promise<EmulatorResponse>): Promise<void> {
  switch (fault.kind) {
    case 'status':
      return sendEmulatorResponse(response, emulatedFailure(fault.status, fault.headers));
    case 'delay':
      if (await waitUnlessClosed(response, fault.delayMs)) sendEmulatorResponse(response, await respond());
      return;
    case 'drop':
      return dropMidResponse(response, await respond());
    case 'truncated-body':
      return sendText(response, 200, 'application/json; charset=utf-8', halfOf(JSON.stringify((await respond()).body)), false);
    case 'non-json-body':
      return sendText(response, 200, 'application/json; charset=utf-8', '<html><body><h1>502 Bad Gateway</h1></body></html>');
    case 'content-type': {
      const result = await respond();
      return sendText(response, result.status, fault.contentType, JSON.stringify(result.body));
    }
    case 'redirect':
      response.writeHead(fault.status ?? 302, { location: fault.location, 'content-length': 0 });
      response.end();
      return;
    case 'reject-token':
      return sendEmulatorResponse(response, keyVaultError(401, 'Unauthorized', 'The bearer token was rejected.', undefined,
        { 'www-authenticate': `${challenge}, error="invalid_token"` }));
  }
}

/** Writes an emulator response as JSON with its content length. */
export function sendEmulatorResponse(response: ServerResponse, result: EmulatorResponse): void {
  sendText(response, result.status, 'application/json; charset=utf-8', JSON.stringify(result.body), true, result.headers);
}

function sendText(response: ServerResponse, status: number, contentType: string, text: string, withLength = true, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    'content-type': contentType,
    ...(withLength ? { 'content-length': Buffer.byteLength(text) } : {}),
    ...headers,
  });
  response.end(text);
}

function dropMidResponse(response: ServerResponse, result: EmulatorResponse): void {
  const text = JSON.stringify(result.body);
  response.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.write(halfOf(text));
  // Destroy after the written part has left, so the client sees a response cut off in the middle.
  setImmediate(() => response.socket?.destroy());
}

/** Waits `delayMs` and returns true, or returns false early when the client closes the connection, so no timer outlives it. */
async function waitUnlessClosed(response: ServerResponse, delayMs: number): Promise<boolean> {
  const closed = new AbortController();
  response.once('close', () => closed.abort());
  try {
    await sleep(delayMs, undefined, { signal: closed.signal });
    return true;
  } catch {
    return false;
  }
}

function halfOf(text: string): string {
  return text.slice(0, Math.floor(text.length / 2));
}
