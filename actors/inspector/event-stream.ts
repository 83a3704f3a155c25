// Server-sent events over node:http: each message is one JSON object on a `data:` line.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';

/** Comment lines sent this often keep the connection open and reveal closed pages. */
const keepAliveMs = 15_000;
/** How long the browser waits before it reconnects after the stream drops. */
const retryMs = 2_000;

/** Streams `initial`, then every value of `messages$`, until the page or the server closes. */
export function openEventStream(request: IncomingMessage, response: ServerResponse, initial: unknown[], messages$: Observable<unknown>): void {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
  response.write(`retry: ${retryMs}\n\n`);
  const send = (message: unknown) => response.write(`data: ${JSON.stringify(message)}\n\n`);
  for (const message of initial) send(message);

  const subscription = messages$.subscribe({ next: send, complete: () => response.end() });
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), keepAliveMs);
  keepAlive.unref();
  request.on('close', () => {
    clearInterval(keepAlive);
    subscription.unsubscribe();
  });
}
