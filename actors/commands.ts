// `kvcert run` and `kvcert sync`: the agent with its files, until a signal or for one pass.
import { startSession } from './agent-session.ts';
import { parseAgentFlags } from './cli-options.ts';
import { sendControlRequest } from './control/control-client.ts';
import { createLogger } from './logger.ts';
import { renderStatusTable } from './status/status-table.ts';

/**
 * Runs one pass over every certificate. Exit code 0 only when every certificate is installed.
 * With --now, sends a poll request to the agent running at --control instead.
 */
export async function syncCommand(args: string[]): Promise<number> {
  const flags = parseAgentFlags(args);
  if (flags.now) {
    const response = await sendControlRequest(flags.control, { command: 'poll' });
    process.stdout.write(`${response.message}\n`);
    return response.ok ? 0 : 1;
  }

  const logger = createLogger({ level: flags.logLevel });
  const session = await startSession(flags, logger, { control: false });
  const report = await session.agent.settled();
  await session.stop();

  process.stdout.write(`${renderStatusTable(report, session.agent.certificates())}\n`);
  return report.certificates.every((certificate) => certificate.status === 'success') ? 0 : 1;
}

/**
 * Polls until SIGINT, SIGTERM or a `stop` on the control socket, then stops after the install in flight. SIGHUP reloads the
 * settings file: only certificates whose URLs changed start or stop.
 */
export async function runCommand(args: string[]): Promise<number> {
  const flags = parseAgentFlags(args);
  const logger = createLogger({ level: flags.logLevel });
  let requestStop: (reason: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => { requestStop = resolve; });
  const session = await startSession(flags, logger, { control: true, onStopRequested: () => requestStop('control stop') });
  const onHangup = () => void session.reload();
  process.on('SIGHUP', onHangup);
  process.once('SIGINT', () => requestStop('SIGINT'));
  process.once('SIGTERM', () => requestStop('SIGTERM'));

  const signal = await stopped;
  process.off('SIGHUP', onHangup);
  logger.info('agent.stopping', { reason: signal });
  await session.stop();
  return 0;
}
