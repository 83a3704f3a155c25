// Arguments of `kvcert handler <verb>`: where the handler files and kvcert's own handler
// state are, and the agent flags that `enable` passes on to `kvcert run`.
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { UsageError, parseAgentFlags } from '../cli-options.ts';
import { defaultHome } from '../defaults.ts';
import type { LogLevel } from '../logger.ts';

export const handlerVerbs = ['install', 'enable', 'disable', 'uninstall', 'update'] as const;
export type HandlerVerb = (typeof handlerVerbs)[number];

export interface HandlerOptions {
  verb: HandlerVerb;
  /** `--handler-root`; unset means search the working folder and the folders around the package. */
  handlerRoot?: string;
  /** kvcert's own handler state: state file, pid file, control socket. */
  stateDir: string;
  /** Flags passed on to `kvcert run`, with paths made absolute because the agent runs in another folder. */
  agentArgs: string[];
  /** `--log-level` for the handler command's own log lines too; unset means info. */
  logLevel: LogLevel;
}

export const handlerHelp = `  --handler-root DIR   folder with HandlerEnvironment.json (default: the working folder, then the
                       kvcert package folder and the folder above it)
  --state-dir DIR      kvcert's handler state: state file, pid file, control socket
                       (default: ${join(defaultHome(), 'handler')})
  --store, --store-root, --ca-file, --log-level
                       passed on to 'kvcert run' by enable; accepted and ignored by the other verbs`;

/** Flags that the handler derives from HandlerEnvironment.json and its state folder itself. */
const flagsSetByHandler = ['--settings', '--status-dir', '--sequence', '--heartbeat-file', '--state-file', '--control', '--pid-file', '--now'];

export function defaultHandlerStateDir(): string {
  return join(defaultHome(), 'handler');
}

function rejectHandlerFlags(args: string[]): void {
  for (const arg of args) {
    const flag = arg.split('=')[0];
    if (flagsSetByHandler.includes(flag)) {
      throw new UsageError(`${flag} cannot be given to 'kvcert handler': the handler sets it from HandlerEnvironment.json and --state-dir`);
    }
  }
}

function parseValues(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: false,
      options: {
        'handler-root': { type: 'string' },
        'state-dir': { type: 'string' },
        store: { type: 'string' },
        'store-root': { type: 'string' },
        'ca-file': { type: 'string' },
        'log-level': { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Parses `<verb> [flags]`; throws UsageError naming the verb or flag and the fix. */
export function parseHandlerArgs(args: string[]): HandlerOptions {
  const [verb, ...rest] = args;
  if (!handlerVerbs.includes(verb as HandlerVerb)) {
    throw new UsageError(`'kvcert handler' needs one of ${handlerVerbs.join(', ')}${verb === undefined ? '' : `, not '${verb}'`}`);
  }
  rejectHandlerFlags(rest);
  const values = parseValues(rest);

  const agentArgs: string[] = [];
  if (values.store !== undefined) agentArgs.push('--store', values.store);
  if (values['store-root'] !== undefined) agentArgs.push('--store-root', resolve(values['store-root']));
  if (values['ca-file'] !== undefined) agentArgs.push('--ca-file', resolve(values['ca-file']));
  if (values['log-level'] !== undefined) agentArgs.push('--log-level', values['log-level']);
  const { logLevel } = parseAgentFlags(['--settings', 'checked-later.json', ...agentArgs]);

  return {
    verb: verb as HandlerVerb,
    handlerRoot: values['handler-root'] === undefined ? undefined : resolve(values['handler-root']),
    stateDir: resolve(values['state-dir'] ?? defaultHandlerStateDir()),
    agentArgs,
    logLevel,
  };
}
