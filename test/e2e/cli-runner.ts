// Runs the kvcert CLI as a child process with the network guard loaded, as a user would.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..');

export interface CliResult { code: number; stdout: string; stderr: string }

export function runCli(args: string[], timeoutMs = 120_000): Promise<CliResult> {
  const nodeArgs = ['--import', join(repoRoot, 'test/network-guard.ts'), join(repoRoot, 'actors/cli.ts'), ...args];
  return new Promise((done) => {
    execFile(process.execPath, nodeArgs, { cwd: repoRoot, timeout: timeoutMs }, (error, stdout, stderr) => {
      let code = 0;
      if (error) code = typeof error.code === 'number' ? error.code : 1;
      done({ code, stdout, stderr });
    });
  });
}
