// Loaded with `--import` into every test process: any connection to a host other than
// loopback fails before a packet is sent, and the process then exits non-zero.
import net from 'node:net';
import { isLoopbackHost } from '../adapters/keyvault/secret-url.ts';

/** `Socket.prototype.connect` without its overloads, so tests can call a wrapper directly. */
export type Connect = (this: net.Socket, ...args: unknown[]) => net.Socket;

export const blockedConnections: string[] = [];

/** Returns the host a `Socket.connect` call aims at, or undefined for a local socket path. */
export function connectTarget(args: unknown[]): string | undefined {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: string; path?: string };
    if (options.path !== undefined) return undefined;
    return options.host ?? 'localhost';
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined;
  return typeof args[1] === 'string' ? args[1] : 'localhost';
}

/** Wraps `connect` so that non-loopback targets are refused; returns the wrapper. */
export function guardConnect(original: Connect): Connect {
  return function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const host = connectTarget(args);
    if (host !== undefined && !isLoopbackHost(host)) {
      blockedConnections.push(host);
      process.exitCode = 1;
      const error = new Error(`network guard: connection to '${host}' refused; tests may reach only loopback`);
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return original.apply(this, args);
  };
}

net.Socket.prototype.connect = guardConnect(net.Socket.prototype.connect as Connect) as typeof net.Socket.prototype.connect;

process.on('exit', () => {
  if (blockedConnections.length > 0) {
    process.stderr.write(`network guard: blocked connections to ${blockedConnections.join(', ')}\n`);
    process.exitCode = 1;
  }
});
