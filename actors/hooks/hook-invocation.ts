// Turns a hook setting into the file and arguments to spawn. Hooks never run through a
// shell, so their arguments are passed as they are, with no quoting or expansion.
import type { HookCommand } from '../settings/hook-settings.ts';

export interface HookInvocation {
  file: string;
  args: string[];
}

/**
 * Returns how to start `hook` on `platform`. On Windows a `.ps1` script runs through Windows
 * PowerShell with `-File`, under the machine's execution policy; anything else starts directly.
 */
export function hookInvocation(hook: HookCommand, platform: NodeJS.Platform = process.platform): HookInvocation {
  if (platform === 'win32' && /\.ps1$/i.test(hook.command)) {
    return { file: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-File', hook.command, ...hook.args] };
  }
  return { file: hook.command, args: hook.args };
}
