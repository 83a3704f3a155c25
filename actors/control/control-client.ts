// Sends one control request to a running agent.
import { connect } from 'node:net';
import type { ControlRequest, ControlResponse } from './control-socket.ts';

/** Thrown when no agent listens on the control path. */
export class AgentNotRunningError extends Error {
  override name = 'AgentNotRunningError';
}

export function sendControlRequest(path: string, request: ControlRequest, timeoutMs = 10_000): Promise<ControlResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let text = '';
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`the agent at ${path} did not respond within ${timeoutMs} ms`)));
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => { text += chunk; });
    socket.on('end', () => {
      try {
        resolve(JSON.parse(text) as ControlResponse);
      } catch {
        reject(new Error(`the agent at ${path} sent a response that is not JSON`));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
        reject(new AgentNotRunningError(`No kvcert agent is running at ${path}. Start one with 'kvcert run', or pass --control with the path it uses.`));
      } else {
        reject(error);
      }
    });
  });
}
