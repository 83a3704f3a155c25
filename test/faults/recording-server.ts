// Loopback servers that record what reaches them, for checks that the agent sends nothing
// (or no token) to places it should not.
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { closeServer, listenOnLoopback, loopbackAddress } from '../../emulators/http-helpers.ts';
import { createServerTls } from '../../emulators/keyvault/tls-certificates.ts';

export interface RecordedRequest {
  method: string;
  url: string;
  /** Whether the request carried an Authorization header. Its value is not kept. */
  authorization: boolean;
}

export interface RecordingServer {
  /** `http(s)://127.0.0.1:<port>` */
  origin: string;
  /** The CA that signed an HTTPS server's certificate, or empty for HTTP. */
  caPem: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 that responds to every request with 404 and records it. */
export async function startRecordingServer(protocol: 'http' | 'https'): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    requests.push({ method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization !== undefined });
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end('{"error":{"code":"NotFound","message":"recording server"}}');
  };

  let server: Server;
  let caPem = '';
  if (protocol === 'https') {
    const tls = await createServerTls();
    caPem = tls.caPem;
    server = createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, handle);
  } else {
    server = createHttpServer(handle);
  }
  const port = await listenOnLoopback(server, 0);
  return { origin: `${protocol}://${loopbackAddress}:${port}`, caPem, requests, close: () => closeServer(server) };
}
