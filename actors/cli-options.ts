// Command-line flags shared by the commands that run the agent.
import { parseArgs } from 'node:util';
import type { LogLevel } from './logger.ts';
import type { StoreKind } from './store-choice.ts';
import { defaultStatusDir, defaultStoreRoot } from './defaults.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface AgentFlags {
  settings: string;
  store?: StoreKind;
  storeRoot: string;
  statusDir: string;
  caFile?: string;
  logLevel: LogLevel;
}

export const agentFlagHelp = `  --settings FILE      settings JSON (public settings, handler settings file or ARM resource)
  --store KIND         windows or folder (default: windows on Windows, folder elsewhere)
  --store-root DIR     folder store root (default: ${defaultStoreRoot()})
  --status-dir DIR     where <seq>.status is written (default: ${defaultStatusDir()})
  --ca-file FILE       extra CA certificate (PEM) to trust for Key Vault, e.g. the emulator's
  --log-level LEVEL    debug, info, warn or error (default: info)`;

const logLevels = ['debug', 'info', 'warn', 'error'];

/** Parses the agent flags; throws UsageError naming the flag and the fix. */
export function parseAgentFlags(args: string[]): AgentFlags {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        settings: { type: 'string' },
        store: { type: 'string' },
        'store-root': { type: 'string' },
        'status-dir': { type: 'string' },
        'ca-file': { type: 'string' },
        'log-level': { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  if (!values.settings) throw new UsageError('--settings FILE is required');
  if (values.store !== undefined && values.store !== 'windows' && values.store !== 'folder') {
    throw new UsageError(`--store must be 'windows' or 'folder', not '${values.store}'`);
  }
  const logLevel = values['log-level'] ?? 'info';
  if (!logLevels.includes(logLevel)) throw new UsageError(`--log-level must be one of ${logLevels.join(', ')}, not '${logLevel}'`);
  return {
    settings: values.settings,
    store: values.store as StoreKind | undefined,
    storeRoot: values['store-root'] ?? defaultStoreRoot(),
    statusDir: values['status-dir'] ?? defaultStatusDir(),
    caFile: values['ca-file'],
    logLevel: logLevel as LogLevel,
  };
}
