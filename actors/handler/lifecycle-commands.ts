// `kvcert handler install|disable|uninstall|update`. Each is idempotent, because the guest
// agent runs them again after a failure or a reboot.
import { rm, rmdir } from 'node:fs/promises';
import { loadHandlerEnvironment } from '../../adapters/handler/handler-environment.ts';
import type { HandlerEnvironment } from '../../adapters/handler/handler-environment.ts';
import { chooseSettingsFile, removeMrseq } from '../../adapters/handler/settings-sequence.ts';
import { stopAgent } from './agent-stop.ts';
import type { HandlerContext, HandlerLogger } from './handler-context.ts';
import type { HandlerOptions } from './handler-options.ts';
import { createStateDir, handlerPaths, readRecentUpdateMarker, removeUpdateMarker, writeUpdateMarker } from './handler-state.ts';
import type { HandlerPaths } from './handler-state.ts';
import { disabledReport, writeHandlerStatus } from './handler-status.ts';

/** Reads HandlerEnvironment.json for commands that can do their main work without it; logs why when it cannot be read. */
async function optionalEnvironment(options: HandlerOptions, context: HandlerContext, log: HandlerLogger): Promise<HandlerEnvironment | undefined> {
  try {
    const environment = await loadHandlerEnvironment({ handlerRoot: options.handlerRoot, cwd: context.cwd });
    log.attach(environment.logFolder);
    return environment;
  } catch (error) {
    log.logger.warn('handler.environment_unavailable', { message: (error as Error).message });
    return undefined;
  }
}

/** Creates kvcert's state folder. Nothing else needs installing, because the package folder contains the program. */
export async function installHandler(options: HandlerOptions, context: HandlerContext, log: HandlerLogger): Promise<number> {
  const paths = handlerPaths(options.stateDir);
  await optionalEnvironment(options, context, log);
  await createStateDir(paths);
  await removeUpdateMarker(paths);
  log.logger.info('handler.installed', { paths: [paths.stateDir] });
  context.stdout(`kvcert handler installed; state folder ${paths.stateDir}\n`);
  return 0;
}

/** Writes a `Disable` success status for the current sequence number, as Microsoft's extension framework does. */
async function reportDisabled(environment: HandlerEnvironment, context: HandlerContext, log: HandlerLogger): Promise<void> {
  try {
    const choice = await chooseSettingsFile(environment.configFolder, context.env);
    const statusFile = await writeHandlerStatus(environment.statusFolder, choice.sequence, disabledReport(), 'Disable');
    log.logger.info('status.changed', { status: 'Disabled', statusFile });
  } catch (error) {
    log.logger.warn('handler.status_not_written', { message: (error as Error).message });
  }
}

/** Stops the agent, waiting up to a minute for the install in flight; succeeds when none runs. */
export async function disableHandler(options: HandlerOptions, context: HandlerContext, log: HandlerLogger): Promise<number> {
  const paths = handlerPaths(options.stateDir);
  const environment = await optionalEnvironment(options, context, log);
  const outcome = await stopAgent(paths, log.logger, context.stopTiming);
  if (environment) await reportDisabled(environment, context, log);
  context.stdout(outcome === 'not-running' ? 'kvcert agent was not running\n' : `kvcert agent ${outcome}\n`);
  return 0;
}

async function removeStateFiles(paths: HandlerPaths): Promise<void> {
  const files = [paths.stateFile, paths.pidFile, paths.launchRecord, paths.updateMarker];
  if (process.platform !== 'win32') files.push(paths.controlPath);
  for (const file of files) await rm(file, { force: true });
  try {
    await rmdir(paths.stateDir);
  } catch {
    // The folder contains files kvcert did not create, or is already gone: leave it.
  }
}

/**
 * Stops the agent and removes kvcert's handler state and `mrseq`. Installed certificates and
 * the store stay. During a version update the old version's uninstall runs after the new
 * version's update, so a recent update marker keeps the state for the new version.
 */
export async function uninstallHandler(options: HandlerOptions, context: HandlerContext, log: HandlerLogger): Promise<number> {
  const paths = handlerPaths(options.stateDir);
  const environment = await optionalEnvironment(options, context, log);
  await stopAgent(paths, log.logger, context.stopTiming);

  const update = await readRecentUpdateMarker(paths);
  if (update) {
    log.logger.info('handler.uninstalled', { note: `update from ${update.fromVersion ?? 'unknown'} to ${update.toVersion ?? 'unknown'} in progress; state kept` });
    context.stdout(`kvcert handler uninstalled for an update; state kept in ${paths.stateDir}\n`);
    return 0;
  }

  await removeStateFiles(paths);
  if (environment) await removeMrseq(environment.root);
  log.logger.info('handler.uninstalled', { paths: [paths.stateDir] });
  context.stdout(`kvcert handler uninstalled; state removed from ${paths.stateDir}, certificates left in place\n`);
  return 0;
}

/**
 * Runs in the new version before the old version's uninstall. The state lives outside the
 * handler folder and its format has not changed, so nothing is migrated. The marker makes
 * the old version's uninstall keep the state.
 */
export async function updateHandler(options: HandlerOptions, context: HandlerContext, log: HandlerLogger): Promise<number> {
  const paths = handlerPaths(options.stateDir);
  await optionalEnvironment(options, context, log);
  await createStateDir(paths);
  const fromVersion = context.env.AZURE_GUEST_AGENT_UPDATING_FROM_VERSION;
  const toVersion = context.env.VERSION ?? context.env.AZURE_GUEST_AGENT_EXTENSION_VERSION;
  await writeUpdateMarker(paths, { fromVersion, toVersion, at: new Date().toISOString() });
  log.logger.info('handler.updated', { note: `from ${fromVersion ?? 'unknown'} to ${toVersion ?? 'unknown'}; no state to migrate` });
  context.stdout('kvcert handler updated; no state to migrate\n');
  return 0;
}
