// `kvcert handler install|enable|disable|uninstall|update`: the commands that the Azure
// guest agent runs from HandlerManifest.json to drive kvcert as a VM extension.
import { HandlerEnvironmentError } from '../../adapters/handler/handler-environment.ts';
import { SettingsFileNotFoundError } from '../../adapters/handler/settings-sequence.ts';
import { AgentStopError } from './agent-stop.ts';
import { enableHandler } from './enable-command.ts';
import { createHandlerLogger, processContext } from './handler-context.ts';
import type { HandlerContext, HandlerLogger } from './handler-context.ts';
import { parseHandlerArgs } from './handler-options.ts';
import type { HandlerOptions, HandlerVerb } from './handler-options.ts';
import { disableHandler, installHandler, uninstallHandler, updateHandler } from './lifecycle-commands.ts';

type HandlerCommand = (options: HandlerOptions, context: HandlerContext, log: HandlerLogger) => Promise<number>;

const handlerCommands: Record<HandlerVerb, HandlerCommand> = {
  install: installHandler,
  enable: enableHandler,
  disable: disableHandler,
  uninstall: uninstallHandler,
  update: updateHandler,
};

/** Errors about the machine's handler files rather than a bug: printed as one line, exit code 1. */
function isExpectedFailure(error: unknown): error is Error {
  return error instanceof HandlerEnvironmentError || error instanceof SettingsFileNotFoundError || error instanceof AgentStopError;
}

/**
 * Runs one handler verb and returns the exit code: 0 done, 1 failure (the guest agent then
 * reports the operation as failed), 2 invalid settings from enable. Usage errors are thrown
 * as UsageError for the CLI to report.
 */
export async function runHandler(args: string[], context: HandlerContext = processContext()): Promise<number> {
  const options = parseHandlerArgs(args);
  const log = createHandlerLogger(context, options.logLevel);
  try {
    return await handlerCommands[options.verb](options, context, log);
  } catch (error) {
    if (!isExpectedFailure(error)) throw error;
    log.logger.error(`handler.${options.verb}_failed`, { reason: error.name, message: error.message });
    context.stderr(`kvcert handler ${options.verb}: ${error.message}\n`);
    return 1;
  }
}
