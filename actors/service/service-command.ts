// `kvcert service install|uninstall`: runs the agent as a service outside the Azure guest
// agent: a systemd unit on Linux, a Windows service through node-windows (WinSW) on Windows.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../cli-options.ts';
import { renderSystemdUnit } from './systemd-unit.ts';

const serviceName = 'kvcert';
const cliPath = resolve(import.meta.dirname, '..', 'cli.ts');

interface ServiceFlags { unitDir: string; runArgs: string[] }

function parseServiceFlags(args: string[]): ServiceFlags {
  const separator = args.indexOf('--');
  const own = separator < 0 ? args : args.slice(0, separator);
  const runArgs = separator < 0 ? [] : args.slice(separator + 1);
  let values;
  try {
    ({ values } = parseArgs({ args: own, options: { 'unit-dir': { type: 'string' } }, strict: true }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Pass the agent's flags after '--', e.g. kvcert service install -- --settings FILE`);
  }
  return { unitDir: values['unit-dir'] ?? '/etc/systemd/system', runArgs };
}

async function installSystemd(flags: ServiceFlags): Promise<number> {
  if (!flags.runArgs.includes('--settings')) throw new UsageError('give the agent flags after --, at least --settings FILE');
  const path = join(flags.unitDir, `${serviceName}.service`);
  await mkdir(flags.unitDir, { recursive: true });
  await writeFile(path, renderSystemdUnit({ nodePath: process.execPath, cliPath, runArgs: flags.runArgs }), { mode: 0o644 });
  process.stdout.write(`Wrote ${path}. Start it with: systemctl daemon-reload && systemctl enable --now ${serviceName}\n`);
  return 0;
}

async function uninstallSystemd(flags: ServiceFlags): Promise<number> {
  const path = join(flags.unitDir, `${serviceName}.service`);
  await rm(path, { force: true });
  process.stdout.write(`Removed ${path}. Run: systemctl disable --now ${serviceName}; systemctl daemon-reload\n`);
  return 0;
}

/**
 * NOTE: Windows only and not executed on this project's Linux CI or in any test.
 * node-windows registers a WinSW service. Its stop kills the process, so an install in
 * flight is cut short, but the store's atomic writes keep the installed version whole.
 */
async function manageWindowsService(action: 'install' | 'uninstall', flags: ServiceFlags): Promise<number> {
  // node-windows ships no types; the module name in a variable keeps tsc from looking for them.
  const moduleName = 'node-windows';
  const { Service } = (await import(moduleName)) as { Service: new (config: object) => WindowsService };
  const service = new Service({
    name: serviceName,
    description: 'kvcert: keeps Azure Key Vault certificates installed',
    script: cliPath,
    scriptOptions: ['run', ...flags.runArgs].join(' '),
    nodeOptions: [],
  });
  await new Promise<void>((done, fail) => {
    service.on(action === 'install' ? 'install' : 'uninstall', () => done());
    service.on('error', (error: unknown) => fail(error));
    if (action === 'install') service.on('alreadyinstalled', () => done());
    service[action]();
  });
  if (action === 'install') service.start();
  process.stdout.write(`Windows service '${serviceName}' ${action === 'install' ? 'installed and started' : 'removed'}.\n`);
  return 0;
}

interface WindowsService {
  on(event: string, listener: (value?: unknown) => void): void;
  install(): void;
  uninstall(): void;
  start(): void;
}

export async function runService(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'install' && action !== 'uninstall') {
    throw new UsageError(`service needs 'install' or 'uninstall', not '${action ?? ''}'`);
  }
  const flags = parseServiceFlags(rest);
  if (process.platform === 'win32') return manageWindowsService(action, flags);
  return action === 'install' ? installSystemd(flags) : uninstallSystemd(flags);
}
