// Serves GET /metrics on 127.0.0.1 only: the metrics carry certificate URLs, and the agent
// has no authentication to offer other hosts.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.ts';

export const metricsHost = '127.0.0.1';

export interface MetricsServer {
  /** The port in use; differs from the requested one when that was 0. */
  port: number;
  close(): Promise<void>;
}

async function respond(registry: Registry, request: IncomingMessage, response: ServerResponse, logger: Logger): Promise<void> {
  const path = new URL(request.url ?? '/', `http://${metricsHost}`).pathname;
  if (path !== '/metrics') {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found; the metrics are at /metrics\n');
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('Use GET\n');
    return;
  }
  try {
    const body = await registry.metrics();
    response.writeHead(200, { 'content-type': registry.contentType });
    response.end(request.method === 'HEAD' ? undefined : body);
  } catch (error) {
    logger.error('metrics.failed', { message: (error as Error).message });
    response.writeHead(500, { 'content-type': 'text/plain' }).end('Collecting the metrics failed; see the agent log\n');
  }
}

/** Listens on 127.0.0.1:`port` (0 picks a free port) and logs the address. */
export async function startMetricsServer(registry: Registry, port: number, logger: Logger): Promise<MetricsServer> {
  const server = createServer((request, response) => void respond(registry, request, response, logger));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(
      `Serving metrics on ${metricsHost}:${port} failed: ${error.message}. Pass a free port with --metrics PORT.`, { cause: error })));
    server.listen(port, metricsHost, () => resolve());
  });
  // The agent's own timers keep the process alive; an unref'd server cannot keep a failed start from exiting.
  server.unref();
  const actual = (server.address() as AddressInfo).port;
  logger.info('metrics.listening', { address: `http://${metricsHost}:${actual}/metrics` });
  return {
    port: actual,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
