// `kvcert handler enable`: applies the newest settings by (re)starting the agent in the
// background, and returns within seconds as the guest agent expects.
import { join } from 'node:path';
import { loadHandlerEnvironment } from '../../adapters/handler/handler-environment.ts';
import type { HandlerEnvironment } from '../../adapters/handler/handler-environment.ts';
import { chooseSettingsFile, readMrseq, writeMrseq } from '../../adapters/handler/settings-sequence.ts';
import type { SettingsChoice } from '../../adapters/handler/settings-sequence.ts';
import type { StatusReport } from '../../machines/status-rollup.ts';
import type { Logger } from '../logger.ts';
import { loadSettingsFile } from '../settings/load-settings.ts';
import { SettingsError } from '../settings/settings-error.ts';
import { startAgent } from './agent-launch.ts';
import type { StartedAgent } from './agent-launch.ts';
import { agentAnswers, waitUntil } from './agent-process.ts';
import { stopAgent } from './agent-stop.ts';
import { agentLogName } from './handler-context.ts';
import type { HandlerContext, HandlerLogger } from './handler-context.ts';
import type { HandlerOptions } from './handler-options.ts';
import { createStateDir, handlerPaths, readLaunchRecord, removeUpdateMarker, writeLaunchRecord } from './handler-state.ts';
import type { HandlerPaths, LaunchRecord } from './handler-state.ts';
import { invalidSettingsReport, noSettingsReport, startingReport, writeHandlerStatus } from './handler-status.ts';

/** Exit code of enable for settings the agent cannot run with, as `kvcert run` uses for invalid settings. */
export const invalidSettingsExitCode = 2;

/** An agent that responds on the control socket, with the launch record of the last enable when there is one. */
interface RunningAgent {
  record?: LaunchRecord;
}

async function runningAgent(paths: HandlerPaths): Promise<RunningAgent | undefined> {
  if (!(await agentAnswers(paths.controlPath))) return undefined;
  return { record: await readLaunchRecord(paths) };
}

/** Returns an error report when the chosen settings cannot start an agent, otherwise undefined. */
async function settingsProblem(choice: SettingsChoice, runningSequence: number | undefined): Promise<StatusReport | undefined> {
  if (choice.empty) return noSettingsReport(choice.path, runningSequence);
  try {
    await loadSettingsFile(choice.path);
    return undefined;
  } catch (error) {
    if (error instanceof SettingsError) return invalidSettingsReport(error, runningSequence);
    throw error;
  }
}

function servesSameSettings(running: LaunchRecord | undefined, choice: SettingsChoice, options: HandlerOptions): boolean {
  return running !== undefined && running.sequence === choice.sequence && running.settingsFile === choice.path &&
    JSON.stringify(running.agentArgs) === JSON.stringify(options.agentArgs);
}

async function reportInvalidSettings(environment: HandlerEnvironment, choice: SettingsChoice, problem: StatusReport, context: HandlerContext, logger: Logger): Promise<number> {
  const statusFile = await writeHandlerStatus(environment.statusFolder, choice.sequence, problem, 'Enable');
  await writeMrseq(environment.root, choice.sequence);
  logger.error('handler.settings_rejected', { settingsFile: choice.path, reason: problem.reason, message: problem.message, statusFile });
  context.stderr(`kvcert handler enable: ${problem.message}\n`);
  return invalidSettingsExitCode;
}

/** Waits until the new agent responds on its control socket or exits, and returns enable's exit code. */
async function awaitStartup(agent: StartedAgent, paths: HandlerPaths, environment: HandlerEnvironment, choice: SettingsChoice, context: HandlerContext, logger: Logger): Promise<number> {
  const logFile = join(environment.logFolder, agentLogName);
  await waitUntil(async () => agent.exitCode() !== undefined || await agentAnswers(paths.controlPath, 1_000), context.startupWaitMs);
  const exitCode = agent.exitCode();
  agent.release();

  if (exitCode !== undefined) {
    const report: StatusReport = { status: 'Error', reason: 'AgentExited', message: `The kvcert agent exited at start with code ${exitCode}; see ${logFile}`, certificates: [] };
    const statusFile = await writeHandlerStatus(environment.statusFolder, choice.sequence, report, 'Enable');
    logger.error('agent.exited', { pid: agent.pid, message: report.message, statusFile });
    context.stderr(`kvcert handler enable: ${report.message}\n`);
    return 1;
  }
  logger.info('agent.started', { pid: agent.pid, settingsFile: choice.path, note: `sequence ${choice.sequence}, log ${logFile}` });
  context.stdout(`kvcert agent started for settings sequence ${choice.sequence} (pid ${agent.pid}); its log is ${logFile}\n`);
  return 0;
}

async function launch(paths: HandlerPaths, environment: HandlerEnvironment, choice: SettingsChoice, options: HandlerOptions, context: HandlerContext, logger: Logger): Promise<number> {
  await stopAgent(paths, logger, context.stopTiming);
  await writeHandlerStatus(environment.statusFolder, choice.sequence, startingReport(choice.sequence), 'Enable');
  const agent = await startAgent({
    settingsFile: choice.path,
    sequence: choice.sequence,
    statusFolder: environment.statusFolder,
    heartbeatFile: environment.heartbeatFile,
    logFile: join(environment.logFolder, agentLogName),
    paths,
    agentArgs: options.agentArgs,
    env: context.env,
  });
  await writeLaunchRecord(paths, { pid: agent.pid, sequence: choice.sequence, settingsFile: choice.path, agentArgs: options.agentArgs, startedAt: new Date().toISOString() });
  await writeMrseq(environment.root, choice.sequence);
  return awaitStartup(agent, paths, environment, choice, context, logger);
}

/**
 * Reads HandlerEnvironment.json and the settings file to apply. Invalid or empty settings
 * write an `error` status and exit 2 without touching a running agent, which keeps its last
 * valid settings. An agent that already serves the same sequence number is left alone;
 * one for another number is stopped and a new one started.
 */
export async function enableHandler(options: HandlerOptions, context: HandlerContext, log: HandlerLogger): Promise<number> {
  const { logger } = log;
  const paths = handlerPaths(options.stateDir);
  const environment = await loadHandlerEnvironment({ handlerRoot: options.handlerRoot, cwd: context.cwd });
  log.attach(environment.logFolder);
  await createStateDir(paths);
  await removeUpdateMarker(paths);

  const choice = await chooseSettingsFile(environment.configFolder, context.env);
  if (choice.note) logger.warn('handler.sequence_fallback', { note: choice.note });
  const lastProcessed = await readMrseq(environment.root);
  const repeat = lastProcessed === choice.sequence ? ' (already processed)' : '';
  logger.info('handler.enable', { settingsFile: choice.path, note: `sequence ${choice.sequence}${repeat}, chosen by ${choice.source === 'environment' ? 'ConfigSequenceNumber' : 'newest file'}` });

  const running = await runningAgent(paths);
  const problem = await settingsProblem(choice, running?.record?.sequence);
  if (problem) return reportInvalidSettings(environment, choice, problem, context, logger);

  if (servesSameSettings(running?.record, choice, options)) {
    const pid = running?.record?.pid;
    await writeMrseq(environment.root, choice.sequence);
    logger.info('agent.already_running', { pid, settingsFile: choice.path, note: `sequence ${choice.sequence}` });
    context.stdout(`kvcert agent already runs for settings sequence ${choice.sequence} (pid ${pid}); nothing to do\n`);
    return 0;
  }
  return launch(paths, environment, choice, options, context, logger);
}
