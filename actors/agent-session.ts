// Everything a running agent needs around the machines: settings, state file, status and
// heartbeat files, the control socket and the pid file. Shared by `run` and `sync`.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Agent } from './agent.ts';
import type { AgentFlags } from './cli-options.ts';
import { startControlServer } from './control/control-server.ts';
import type { Logger } from './logger.ts';
import { createAgent, createStore, readCaFile } from './runtime.ts';
import { loadSettingsFile } from './settings/load-settings.ts';
import type { Settings } from './settings/settings.ts';
import { emptyState, readStateFile } from './state/state-file.ts';
import type { AgentState } from './state/state-file.ts';
import { recordState } from './state/state-recorder.ts';
import { verifyInstalled } from './state/verify-state.ts';
import { writeHeartbeatFile } from './status/heartbeat-file.ts';
import { reportStatus } from './status-reporter.ts';
import { startInspector } from './inspector/start-inspector.ts';
import { UsageError } from './cli-options.ts';
import { startAfterInstallHooks } from './hooks/after-install-hooks.ts';
import { PathRecordingStore } from './hooks/install-paths.ts';
import { startAgentMetrics } from './metrics/agent-metrics.ts';
import { reportSyncProgress } from './progress/sync-progress.ts';
import { buildAgentStatus } from './status-command/agent-status.ts';
import { installedAtLookup } from './status-command/installed-at.ts';

const statusName = 'KeyVaultForWindows';
const heartbeatIntervalMs = 60_000;

export interface AgentSession {
  agent: Agent;
  settings(): Settings;
  /** Re-reads the settings file; on invalid settings logs the problems and keeps the old ones. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

async function loadState(path: string, logger: Logger): Promise<AgentState> {
  try {
    return await readStateFile(path);
  } catch (error) {
    logger.warn('state.unreadable', { message: (error as Error).message });
    return emptyState();
  }
}

async function loadSettings(flags: AgentFlags, logger: Logger): Promise<Settings> {
  const { settings, notes } = await loadSettingsFile(flags.settings);
  logger.info('settings.loaded', { settingsFile: flags.settings, count: settings.observedCertificates.length, note: `sequence ${flags.sequence}` });
  for (const note of notes) logger.warn('settings.note', { settingsFile: flags.settings, note });
  return settings;
}

/** Starts the agent with its files and sockets. `control` false skips the control socket (one-pass sync). */
export async function startSession(flags: AgentFlags, logger: Logger, options: { control: boolean; onStopRequested?: () => void }): Promise<AgentSession> {
  if (flags.metrics !== undefined && !options.control) throw new UsageError('--metrics applies to kvcert run only');
  let settings = await loadSettings(flags, logger);
  const state = await loadState(flags.stateFile, logger);
  const trustedCaPem = await readCaFile(flags.caFile);
  const store = new PathRecordingStore(createStore(flags.store, flags.storeRoot));
  const installed = await verifyInstalled(state, settings.observedCertificates, store, logger);
  const agent = createAgent(settings, { store, trustedCaPem, logger, installed });
  // The inspector starts before any socket or timer keeps the process alive, so a busy port ends the command cleanly.
  const inspector = flags.inspect ? await startInspector(agent, flags.inspect, logger, (line) => process.stdout.write(line)) : undefined;

  const stopReporting = reportStatus(agent, { folder: flags.statusDir, sequence: flags.sequence, name: statusName, logger });
  const stopRecording = recordState(agent, {
    path: flags.stateFile, state, store, logger,
    lookup: (url) => settings.observedCertificates.find((certificate) => certificate.url === url),
    retainVersions: () => settings.retainVersions,
  });
  const stopHeartbeat = startHeartbeat(agent, flags.heartbeatFile, logger);
  const hooks = startAfterInstallHooks(agent, { logger, settings: () => settings, pathsOf: (url, version) => store.pathsOf(url, version) });
  const stopProgress = reportSyncProgress(agent, process.stdout);
  const installedAt = installedAtLookup(state);
  const status = () => buildAgentStatus({ agent, controlPath: flags.control, installedAt, lastHookRun: hooks.lastRun });
  const metrics = flags.metrics === undefined ? undefined : await startAgentMetrics(agent, { port: flags.metrics, logger, installedAt });
  const stopControl = options.control
    ? await startControlServer(agent, flags.control, logger, { stop: options.onStopRequested ?? (() => {}), status })
    : async () => {};
  if (flags.pidFile) {
    await mkdir(dirname(flags.pidFile), { recursive: true });
    await writeFile(flags.pidFile, `${process.pid}\n`);
  }
  agent.start();

  return {
    agent,
    settings: () => settings,
    async reload() {
      try {
        const next = await loadSettings(flags, logger);
        settings = next;
        agent.reload(next);
      } catch (error) {
        logger.error('settings.reload_failed', { settingsFile: flags.settings, message: (error as Error).message });
      }
    },
    async stop() {
      await agent.stop();
      await inspector?.stop();
      await hooks.stop();
      stopProgress();
      await metrics?.close();
      await stopControl();
      stopHeartbeat();
      await stopRecording();
      await stopReporting();
      if (flags.heartbeatFile) await writeHeartbeatFile(flags.heartbeatFile, agent.report()).catch(() => {});
      if (flags.pidFile) await rm(flags.pidFile, { force: true });
    },
  };
}

function startHeartbeat(agent: Agent, path: string | undefined, logger: Logger): () => void {
  if (!path) return () => {};
  const beat = () => writeHeartbeatFile(path, agent.report()).catch((error: Error) => logger.warn('heartbeat.write_failed', { message: error.message }));
  void beat();
  const timer = setInterval(beat, heartbeatIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
