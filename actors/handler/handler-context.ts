// The process facilities a handler command uses, gathered so that tests can run the
// commands in process with their own environment, output and waits.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../logger.ts';
import type { Logger, LogLevel } from '../logger.ts';
import { defaultStopTiming } from './agent-stop.ts';
import type { StopTiming } from './agent-stop.ts';

export interface HandlerContext {
  /** Read for ConfigSequenceNumber and the update variables, and given to the agent. */
  env: NodeJS.ProcessEnv;
  /** Searched first for HandlerEnvironment.json. */
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stopTiming: StopTiming;
  /** Time that enable waits for a started agent to respond on its control socket before it returns anyway. */
  startupWaitMs: number;
}

export function processContext(): HandlerContext {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stopTiming: defaultStopTiming,
    startupWaitMs: 5_000,
  };
}

/** The handler commands' own log file in the guest agent's log folder; the agent logs to `kvcert-agent.log`. */
export const handlerLogName = 'kvcert-handler.log';
export const agentLogName = 'kvcert-agent.log';

export interface HandlerLogger {
  logger: Logger;
  /** Also appends every later line to `<logFolder>/kvcert-handler.log`, once HandlerEnvironment.json is read. */
  attach(logFolder: string): void;
}

/** A logger that writes JSON lines to stderr and, once attached, to the handler log file. */
export function createHandlerLogger(context: HandlerContext, level: LogLevel): HandlerLogger {
  let logFile: string | undefined;
  const write = (line: string) => {
    context.stderr(line);
    if (logFile === undefined) return;
    try {
      appendFileSync(logFile, line);
    } catch {
      // The same line already went to stderr, which the guest agent records.
    }
  };
  return {
    logger: createLogger({ level, write }),
    attach(logFolder) {
      try {
        mkdirSync(logFolder, { recursive: true });
        logFile = join(logFolder, handlerLogName);
      } catch {
        logFile = undefined;
      }
    },
  };
}
