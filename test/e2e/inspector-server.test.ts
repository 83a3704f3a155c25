import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Subject } from 'rxjs';
import { UsageError } from '../../actors/cli-options.ts';
import { InspectorListenError, pagePolicy, startInspectorServer } from '../../actors/inspector/inspector-server.ts';
import type { InspectorRoutes, InspectorServer } from '../../actors/inspector/inspector-server.ts';

const server = suite('inspector server');

let running: InspectorServer | undefined;
const messages$ = new Subject<unknown>();

const routes = (): InspectorRoutes => ({
  documents: { '/': { type: 'text/html', body: '<p>page</p>' } },
  streams: { '/events': { initial: () => [{ type: 'view', n: 1 }], messages$ } },
  json: { '/view.json': () => ({ n: 2 }) },
});

server.after.each(async () => {
  await running?.close();
  running = undefined;
});

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** Sends one request with node:http, which lets the test set the Host header. */
function send(url: string, options: { method?: string; host?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const headers = options.host ? { host: options.host } : {};
    const call = request({ host: target.hostname, port: target.port, path: target.pathname, method: options.method ?? 'GET', headers }, (response) => {
      let body = '';
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    call.on('error', reject);
    call.end();
  });
}

server('port 0 listens on 127.0.0.1 and names the port', async () => {
  running = await startInspectorServer(0, routes());

  assert.match(running.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.not.match(running.url, /:0\//);
  const reply = await send(running.url);
  assert.is(reply.status, 200);
  assert.is(reply.body, '<p>page</p>');
  assert.is(reply.headers['content-security-policy'], pagePolicy);
  assert.is(reply.headers['x-content-type-options'], 'nosniff');
});

server('request for another host name is forbidden', async () => {
  running = await startInspectorServer(0, routes());
  const port = new URL(running.url).port;

  const foreign = await send(running.url, { host: `rebound.example:${port}` });
  const local = await send(running.url, { host: `localhost:${port}` });

  assert.is(foreign.status, 403);
  assert.is(local.status, 200);
});

server('unknown path and other methods are refused', async () => {
  running = await startInspectorServer(0, routes());

  assert.is((await send(`${running.url}nothing`)).status, 404);
  assert.is((await send(running.url, { method: 'POST' })).status, 405);
  assert.equal(JSON.parse((await send(`${running.url}view.json`)).body), { n: 2 });
});

server('event stream sends the view, then each change', async () => {
  running = await startInspectorServer(0, routes());
  const received: string[] = [];

  const done = new Promise<void>((resolve) => {
    const call = request(`${running!.url}events`, (response) => {
      assert.is(response.headers['content-type'], 'text/event-stream; charset=utf-8');
      response.on('data', (chunk: Buffer) => {
        received.push(...chunk.toString().split('\n').filter((line) => line.startsWith('data: ')));
        if (received.length === 1) messages$.next({ type: 'extension', state: 'ready' });
        if (received.length === 2) {
          call.destroy();
          resolve();
        }
      });
    });
    call.end();
  });
  await done;

  assert.equal(received.map((line) => JSON.parse(line.slice(6))), [{ type: 'view', n: 1 }, { type: 'extension', state: 'ready' }]);
});

server('busy port fails with the fix in the message', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as AddressInfo).port;

  try {
    await startInspectorServer(port, routes());
    assert.unreachable('the inspector started on a busy port');
  } catch (error) {
    assert.instance(error, InspectorListenError);
    assert.instance(error, UsageError);
    assert.match((error as Error).message, `The inspector could not listen on 127.0.0.1:${port}: listen EADDRINUSE`);
    assert.match((error as Error).message, 'Pick another port with --inspect PORT, or --inspect 0 for any free port.');
  } finally {
    blocker.close();
  }
});

server.run();
