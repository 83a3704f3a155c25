// The inspector's HTTP server on 127.0.0.1: the page, its script and styles, and the
// server-sent event streams the page reads. It never listens on another address.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Observable } from 'rxjs';
import { UsageError } from '../cli-options.ts';
import { openEventStream } from './event-stream.ts';

/** An event stream: what a new page gets first, then what follows. */
export interface StreamSource {
  initial(): unknown[];
  messages$: Observable<unknown>;
}

export interface InspectorRoutes {
  /** Documents by path, e.g. `/` and `/inspector.js`, with their content type. */
  documents: Record<string, { type: string; body: string; policy?: string }>;
  /** Event streams by path, e.g. `/events`. */
  streams: Record<string, StreamSource>;
  /** JSON documents computed per request, e.g. `/view.json`. */
  json: Record<string, () => unknown>;
}

export interface InspectorServer {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  close(): Promise<void>;
}

export const host = '127.0.0.1';

/** Allows the page's own script, styles and streams, and nothing from elsewhere. */
export const pagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Error raised when the inspector cannot listen on its port; a usage error, because the port is the user's choice. */
export class InspectorListenError extends UsageError {
  override name = 'InspectorListenError';
  readonly port: number;

  constructor(port: number, options?: ErrorOptions) {
    super(`The inspector could not listen on ${host}:${port}: ${(options?.cause as Error | undefined)?.message ?? 'unknown error'}. ` +
      'Pick another port with --inspect PORT, or --inspect 0 for any free port.', options);
    this.port = port;
  }
}

/** Serves `routes` on 127.0.0.1:`port`; port 0 picks a free port, which `url` then names. */
export async function startInspectorServer(port: number, routes: InspectorRoutes): Promise<InspectorServer> {
  const server = createServer((request, response) => handle(request, response, routes, server));
  await listen(server, port);
  const address = server.address() as AddressInfo;

  return {
    url: `http://${host}:${address.port}/`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(new InspectorListenError(port, { cause: error })));
    server.listen({ port, host }, () => resolve());
  });
}

/**
 * Only Host headers that name this server are served, so that a web page that rebinds its
 * own host name to 127.0.0.1 cannot read the inspector.
 */
function isOwnHost(request: IncomingMessage, server: Server): boolean {
  const port = (server.address() as AddressInfo).port;
  return request.headers.host === `${host}:${port}` || request.headers.host === `localhost:${port}`;
}

function handle(request: IncomingMessage, response: ServerResponse, routes: InspectorRoutes, server: Server): void {
  const path = new URL(request.url ?? '/', `http://${host}`).pathname;
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('referrer-policy', 'no-referrer');
  response.setHeader('cache-control', 'no-store');

  if (!isOwnHost(request, server)) return reply(response, 403, 'text/plain', 'Forbidden: the inspector answers only requests addressed to 127.0.0.1 or localhost.\n');
  if (request.method !== 'GET' && request.method !== 'HEAD') return reply(response, 405, 'text/plain', 'Method not allowed\n');

  const document = routes.documents[path];
  if (document) {
    response.setHeader('content-security-policy', document.policy ?? pagePolicy);
    return reply(response, 200, document.type, document.body);
  }
  const stream = routes.streams[path];
  if (stream) return openEventStream(request, response, stream.initial(), stream.messages$);
  const json = routes.json[path];
  if (json) return reply(response, 200, 'application/json', `${JSON.stringify(json(), null, 2)}\n`);
  if (path === '/favicon.ico') return reply(response, 204, 'text/plain', '');
  reply(response, 404, 'text/plain', 'Not found\n');
}

function reply(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': `${type}; charset=utf-8` });
  response.end(body);
}
