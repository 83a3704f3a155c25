// Serves control requests from the local socket: one JSON line in, one JSON line out.
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { chmod, rm } from 'node:fs/promises';
import type { Agent } from '../agent.ts';
import type { Logger } from '../logger.ts';
import type { ControlRequest, ControlResponse } from './control-socket.ts';

/** Callbacks for requests that act beyond the agent. */
export interface ControlHandlers {
  /** Called for `stop`: the agent stops after the install in flight, as on SIGTERM. */
  stop: () => void;
  /** Returns the status document sent with `status`; unset sends only the report. */
  status?: () => unknown;
}

function answer(agent: Agent, request: ControlRequest, handlers: ControlHandlers): ControlResponse {
  if (request.command === 'stop') {
    setImmediate(handlers.stop);
    return { ok: true, message: 'Stopping after the install in flight' };
  }
  if (request.command === 'poll') {
    agent.pollNow();
    return { ok: true, message: `Polling ${agent.certificates().length} certificates now` };
  }
  if (request.command === 'status') return { ok: true, message: agent.report().message, report: agent.report(), status: handlers.status?.() };
  return { ok: false, message: `unknown command '${String((request as { command?: unknown }).command)}'; use poll, status or stop` };
}

function serve(agent: Agent, socket: Socket, logger: Logger, handlers: ControlHandlers): void {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    if (buffer.length > 4096) socket.destroy();
    const newline = buffer.indexOf('\n');
    if (newline < 0) return;
    let response: ControlResponse;
    try {
      response = answer(agent, JSON.parse(buffer.slice(0, newline)) as ControlRequest, handlers);
    } catch {
      response = { ok: false, message: 'the request is not a JSON line' };
    }
    logger.info('control.request', { message: response.message });
    socket.end(`${JSON.stringify(response)}\n`);
  });
  socket.on('error', () => socket.destroy());
}

/** Listens on `path`; a stale socket file from a crashed agent is replaced. Returns a close function. */
export async function startControlServer(agent: Agent, path: string, logger: Logger, handlers: ControlHandlers): Promise<() => Promise<void>> {
  if (process.platform !== 'win32') await rm(path, { force: true });
  const server: Server = createServer((socket) => serve(agent, socket, logger, handlers));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  if (process.platform !== 'win32') await chmod(path, 0o600);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
