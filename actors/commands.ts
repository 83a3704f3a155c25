// `kvcert run` and `kvcert sync`: load settings, build the agent, report status.
import type { Agent } from './agent.ts';
import { parseAgentFlags } from './cli-options.ts';
import type { AgentFlags } from './cli-options.ts';
import { createLogger } from './logger.ts';
import type { Logger } from './logger.ts';
import { createAgent, readCaFile } from './runtime.ts';
import { loadSettingsFile } from './settings/load-settings.ts';
import { renderStatusTable } from './status/status-table.ts';
import { reportStatus } from './status-reporter.ts';

const statusName = 'KeyVaultForWindows';

async function prepare(flags: AgentFlags, logger: Logger): Promise<Agent> {
  const { settings, notes } = await loadSettingsFile(flags.settings);
  logger.info('settings.loaded', { settingsFile: flags.settings, count: settings.observedCertificates.length });
  for (const note of notes) logger.warn('settings.note', { settingsFile: flags.settings, note });
  const trustedCaPem = await readCaFile(flags.caFile);
  return createAgent(settings, { store: flags.store, storeRoot: flags.storeRoot, trustedCaPem, logger });
}

/** One pass over every certificate. Exit code 0 only when every certificate is installed. */
export async function syncCommand(args: string[]): Promise<number> {
  const flags = parseAgentFlags(args);
  const logger = createLogger({ level: flags.logLevel });
  const agent = await prepare(flags, logger);
  const stopReporting = reportStatus(agent, { folder: flags.statusDir, sequence: 0, name: statusName, logger });

  agent.start();
  const report = await agent.settled();
  await agent.stop();
  await stopReporting();

  process.stdout.write(`${renderStatusTable(report, agent.certificates())}\n`);
  return report.certificates.every((certificate) => certificate.status === 'success') ? 0 : 1;
}

/** Polls until SIGINT or SIGTERM, then stops after the install in flight. */
export async function runCommand(args: string[]): Promise<number> {
  const flags = parseAgentFlags(args);
  const logger = createLogger({ level: flags.logLevel });
  const agent = await prepare(flags, logger);
  const stopReporting = reportStatus(agent, { folder: flags.statusDir, sequence: 0, name: statusName, logger });

  agent.start();
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  logger.info('agent.stopping', { reason: signal });
  await agent.stop();
  await stopReporting();
  return 0;
}
