// Looks for each hook's program on this machine, for `kvcert validate`. A missing program is a
// warning, not an error, because settings are often checked on another machine than the one
// that runs them.
import { access, constants } from 'node:fs/promises';
import { delimiter, join, posix, win32 } from 'node:path';
import { afterInstallHookFor } from '../settings/hook-settings.ts';
import type { HookCommand } from '../settings/hook-settings.ts';
import type { Settings } from '../settings/settings.ts';

interface HookUse { path: string; hook: HookCommand }

function hookUses(settings: Settings): HookUse[] {
  const uses: HookUse[] = [];
  if (settings.hooks?.afterInstall) uses.push({ path: 'secretsManagementSettings.hooks.afterInstall', hook: settings.hooks.afterInstall });
  settings.observedCertificates.forEach((certificate, index) => {
    const own = certificate.hooks?.afterInstall;
    if (own) uses.push({ path: `secretsManagementSettings.observedCertificates[${index}].hooks.afterInstall`, hook: own });
  });
  return uses;
}

async function isRunnable(path: string): Promise<boolean> {
  try {
    await access(path, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Returns the places a program name resolves to: the path itself, or each PATH folder (with PATHEXT on Windows). */
function candidatesOf(command: string): string[] {
  if (posix.isAbsolute(command) || win32.isAbsolute(command)) return [command];
  const folders = (process.env.PATH ?? '').split(delimiter).filter((folder) => folder !== '');
  const extensions = process.platform === 'win32' ? ['', ...(process.env.PATHEXT ?? '.EXE').split(';')] : [''];
  return folders.flatMap((folder) => extensions.map((extension) => join(folder, command + extension)));
}

/** Returns one warning per hook whose program is not found or not executable here. */
export async function checkHookCommands(settings: Settings): Promise<string[]> {
  const warnings: string[] = [];
  for (const { path, hook } of hookUses(settings)) {
    const found = await Promise.all(candidatesOf(hook.command).map(isRunnable));
    if (!found.includes(true)) warnings.push(`${path}.command: '${hook.command}' is not an executable file on this machine; the hook will fail here`);
  }
  return warnings;
}

/** Returns how many certificates have an afterInstall hook, their own or the global one. */
export function countHooked(settings: Settings): number {
  return settings.observedCertificates.filter((certificate) => afterInstallHookFor(settings.hooks, certificate.hooks)).length;
}
