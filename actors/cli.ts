#!/usr/bin/env node
// kvcert command line. Exit codes: 0 success, 1 failure at run time, 2 invalid settings or usage.
import { SettingsError } from './settings/settings-error.ts';
import { UsageError, agentFlagHelp } from './cli-options.ts';
import { runCommand, syncCommand } from './commands.ts';
import { handlerHelp } from './handler/handler-options.ts';
import { statusHelp } from './status-command/status-command.ts';
import { validateHelp } from './validate/validate-command.ts';

const help = `kvcert keeps certificates from Azure Key Vault installed on this machine.

Usage:
  kvcert run  --settings FILE [options]   poll and install new versions until stopped
  kvcert sync --settings FILE [options]   one pass; exit 0 only when every certificate is installed
  kvcert emulate [--port N] [--token-port N] [--out DIR]
                                          run the loopback Key Vault and managed-identity emulators
  kvcert demo                             sync three sample certificates from the emulators
  kvcert sync --now [--control PATH]      ask the running agent to poll at once
${statusHelp}
${validateHelp}
  kvcert service install [--unit-dir DIR] -- --settings FILE [options]
  kvcert service uninstall [--unit-dir DIR]
                                          run the agent as a systemd unit (Linux) or Windows service
  kvcert handler install|enable|disable|uninstall|update [options]
                                          Azure VM extension handler commands; enable starts
                                          'kvcert run' in the background for the newest settings

Options for run and sync:
${agentFlagHelp}

Options for handler:
${handlerHelp}
`;

type Command = (args: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  run: runCommand,
  sync: syncCommand,
  emulate: async (args) => (await import('../emulators/emulate-command.ts')).runEmulate(args),
  demo: async (args) => (await import('./demo.ts')).runDemo(args),
  service: async (args) => (await import('./service/service-command.ts')).runService(args),
  handler: async (args) => (await import('./handler/handler-command.ts')).runHandler(args),
  status: async (args) => (await import('./status-command/status-command.ts')).runStatus(args),
  validate: async (args) => (await import('./validate/validate-command.ts')).runValidate(args),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`kvcert: unknown command '${name}'. Run 'kvcert --help' for the list.\n`);
    return 2;
  }

  try {
    return await command(args);
  } catch (error) {
    if (error instanceof SettingsError || error instanceof UsageError) {
      process.stderr.write(`kvcert ${name}: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`kvcert ${name}: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

const exitCode = await main(process.argv.slice(2));
process.exitCode = exitCode;
// Keep-alive sockets of the HTTP clients can hold the event loop for seconds after the work
// is done, so the process exits 250 ms later at most. The timer is unref'd, so a process with
// nothing left to do exits at once without it.
setTimeout(() => process.exit(exitCode), 250).unref();
