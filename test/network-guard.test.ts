import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { connectTarget, guardConnect, blockedConnections } from './network-guard.ts';
import type { Connect } from './network-guard.ts';

const guard = suite('network guard');

guard('connect target from options and arguments', () => {
  assert.is(connectTarget([{ host: '10.1.2.3', port: 80 }]), '10.1.2.3');
  assert.is(connectTarget([443, 'example.org']), 'example.org');
  assert.is(connectTarget([443]), 'localhost');
  assert.is(connectTarget([{ path: '/tmp/socket' }]), undefined);
});

guard('refuses non-loopback without calling connect', async () => {
  let calls = 0;
  const fakeConnect = function (this: net.Socket) { calls += 1; return this; } as Connect;
  const guarded = guardConnect(fakeConnect);
  const socket = new net.Socket();
  const failure = new Promise<Error>((resolve) => socket.once('error', resolve));

  guarded.call(socket, { host: '169.254.169.254', port: 80 });

  assert.is(calls, 0);
  assert.match((await failure).message, /169\.254\.169\.254/);
  blockedConnections.length = 0;
  process.exitCode = 0;
});

guard('lets loopback through to connect', () => {
  let calls = 0;
  const fakeConnect = function (this: net.Socket) { calls += 1; return this; } as Connect;
  const guarded = guardConnect(fakeConnect);

  guarded.call(new net.Socket(), { host: '127.0.0.1', port: 1 });
  guarded.call(new net.Socket(), { host: '::1', port: 1 });

  assert.is(calls, 2);
});

guard('is installed in this test process', () => {
  assert.is.not(net.Socket.prototype.connect.name, 'connect');
});

guard.run();
