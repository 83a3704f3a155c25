// Command-line flags shared by the commands that run the agent.
import { parseArgs } from 'node:util';
import type { LogLevel } from './logger.ts';
import type { StoreKind } from './store-choice.ts';
import { defaultStateFile, defaultStatusDir, defaultStoreRoot } from './defaults.ts';
import { defaultControlPath } from './control/control-socket.ts';

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
  stateFile: string;
  /** Settings sequence number: the status file is `<statusDir>/<sequence>.status`. */
  sequence: number;
  heartbeatFile?: string;
  control: string;
  pidFile?: string;
  /** `sync --now`: ask the running agent to poll instead of running a pass here. */
  now: boolean;
}

export const agentFlagHelp = `  --settings FILE      settings JSON (public settings, handler settings file or ARM resource)
  --store KIND         windows or folder (default: windows on Windows, folder elsewhere)
  --store-root DIR     folder store root (default: ${defaultStoreRoot()})
  --status-dir DIR     where <seq>.status is written (default: ${defaultStatusDir()})
  --ca-file FILE       extra CA certificate (PEM) to trust for Key Vault, e.g. the emulator's
  --log-level LEVEL    debug, info, warn or error (default: info)
  --state-file FILE    installed versions per URL, read at start (default: ${defaultStateFile()})
  --sequence N         settings sequence number; names the status file N.status (default: 0)
  --heartbeat-file FILE  handler heartbeat file, rewritten every minute (default: none)
  --control PATH       local socket of a running agent for 'sync --now' (default: ${defaultControlPath()})
  --pid-file FILE      file that holds the agent's process id while it runs (default: none)`;

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
        'state-file': { type: 'string' },
        sequence: { type: 'string' },
        'heartbeat-file': { type: 'string' },
        control: { type: 'string' },
        'pid-file': { type: 'string' },
        now: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  if (!values.settings && !values.now) throw new UsageError('--settings FILE is required');
  const sequence = Number(values.sequence ?? '0');
  if (!Number.isInteger(sequence) || sequence < 0) throw new UsageError(`--sequence must be a whole number, not '${values.sequence}'`);
  if (values.store !== undefined && values.store !== 'windows' && values.store !== 'folder') {
    throw new UsageError(`--store must be 'windows' or 'folder', not '${values.store}'`);
  }
  const logLevel = values['log-level'] ?? 'info';
  if (!logLevels.includes(logLevel)) throw new UsageError(`--log-level must be one of ${logLevels.join(', ')}, not '${logLevel}'`);
  return {
    settings: values.settings ?? '',
    store: values.store as StoreKind | undefined,
    storeRoot: values['store-root'] ?? defaultStoreRoot(),
    statusDir: values['status-dir'] ?? defaultStatusDir(),
    caFile: values['ca-file'],
    logLevel: logLevel as LogLevel,
    stateFile: values['state-file'] ?? defaultStateFile(),
    sequence,
    heartbeatFile: values['heartbeat-file'],
    control: values.control ?? defaultControlPath(),
    pidFile: values['pid-file'],
    now: values.now ?? false,
  };
}
