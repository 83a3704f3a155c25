// Stops the agent that enable started: first through its control socket, so that it finishes
// the install in flight, then with SIGTERM and SIGKILL if it does not exit in time.
import { rm } from 'node:fs/promises';
import { sendControlRequest } from '../control/control-client.ts';
import type { Logger } from '../logger.ts';
import { agentAnswers, findAgentPid, isProcessAlive, waitUntil } from './agent-process.ts';
import type { HandlerPaths } from './handler-state.ts';

export interface StopTiming {
  /** Wait after a `stop` request on the control socket; disable gets up to 900 s from the Linux guest agent. */
  gracefulMs: number;
  /** Wait after SIGTERM. */
  terminateMs: number;
  /** Wait after SIGKILL before giving up. */
  killMs: number;
  pollMs: number;
}

export const defaultStopTiming: StopTiming = { gracefulMs: 60_000, terminateMs: 15_000, killMs: 5_000, pollMs: 200 };

/** Outcome of a stop: the agent was not running, stopped on request, or had to be signalled. */
export type StopOutcome = 'not-running' | 'stopped' | 'terminated' | 'killed';

/** The agent kept running after SIGKILL, or kept responding on its control socket with an unknown pid. */
export class AgentStopError extends Error {
  override name = 'AgentStopError';
  readonly pid?: number;

  constructor(message: string, pid?: number) {
    super(`${message}; stop it by hand and run the command again.`);
    this.pid = pid;
  }
}

async function requestStop(paths: HandlerPaths): Promise<boolean> {
  try {
    return (await sendControlRequest(paths.controlPath, { command: 'stop' }, 5_000)).ok;
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function signalUntilExit(pid: number, logger: Logger, timing: StopTiming): Promise<StopOutcome> {
  logger.warn('agent.terminating', { pid, delayMs: timing.terminateMs });
  signal(pid, 'SIGTERM');
  if (await waitUntil(() => !isProcessAlive(pid), timing.terminateMs, timing.pollMs)) return 'terminated';

  logger.warn('agent.killing', { pid, delayMs: timing.killMs });
  signal(pid, 'SIGKILL');
  if (await waitUntil(() => !isProcessAlive(pid), timing.killMs, timing.pollMs)) return 'killed';
  throw new AgentStopError(`The kvcert agent (pid ${pid}) is still running after SIGKILL`, pid);
}

/**
 * Stops the running agent and waits for its process to end; does nothing when none runs.
 * A stale pid file (left by a crash or a reboot) is removed.
 */
export async function stopAgent(paths: HandlerPaths, logger: Logger, timing: StopTiming = defaultStopTiming): Promise<StopOutcome> {
  const answered = await requestStop(paths);
  const pid = await findAgentPid(paths, answered);
  let outcome: StopOutcome = 'not-running';

  if (answered && pid === undefined) {
    logger.info('agent.stop_requested', { delayMs: timing.gracefulMs });
    const stopped = await waitUntil(async () => !(await agentAnswers(paths.controlPath, 1_000)), timing.gracefulMs, timing.pollMs);
    if (!stopped) throw new AgentStopError(`A kvcert agent still responds on ${paths.controlPath} ${timing.gracefulMs} ms after a stop request, and its pid is unknown`);
    outcome = 'stopped';
  } else if (pid !== undefined) {
    logger.info('agent.stop_requested', { pid, delayMs: answered ? timing.gracefulMs : 0 });
    const exited = answered && await waitUntil(() => !isProcessAlive(pid), timing.gracefulMs, timing.pollMs);
    outcome = exited ? 'stopped' : await signalUntilExit(pid, logger, timing);
  }

  await rm(paths.pidFile, { force: true });
  logger.info('agent.stopped', { status: outcome, pid });
  return outcome;
}
