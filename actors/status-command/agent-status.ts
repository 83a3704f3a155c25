// Builds the status document inside a running agent, for the `status` control request.
import type { Agent } from '../agent.ts';
import type { HookRun } from '../hooks/after-install-hooks.ts';
import type { CertificateSummary, CertificateStatus } from '../../machines/status-rollup.ts';
import { daysUntil, statusSchemaVersion } from './status-document.ts';
import type { CertificateStatusEntry, HookRunEntry, StatusDocument } from './status-document.ts';

export interface AgentStatusSources {
  agent: Agent;
  /** The control socket path, named in `sourceDetail`. */
  controlPath: string;
  /** Returns when `version` of `url` was installed, from the state file kept by the agent. */
  installedAt: (url: string, version: string) => string | undefined;
  lastHookRun: (url: string) => HookRun | undefined;
  now?: () => Date;
}

/** Returns the status document of the running agent. */
export function buildAgentStatus(sources: AgentStatusSources): StatusDocument {
  const now = (sources.now ?? (() => new Date()))();
  const report = sources.agent.report();
  const certificates = sources.agent.certificates().map((summary) => {
    const status = report.certificates.find((item) => item.url === summary.url);
    return certificateEntry(summary, status, sources, now);
  });
  return {
    schemaVersion: statusSchemaVersion,
    source: 'agent',
    sourceDetail: `control socket ${sources.controlPath}`,
    generatedAt: now.toISOString(),
    updatedAt: now.toISOString(),
    status: report.status,
    message: report.message,
    certificates,
  };
}

function certificateEntry(summary: CertificateSummary, status: CertificateStatus | undefined, sources: AgentStatusSources, now: Date): CertificateStatusEntry {
  const installed = summary.installed;
  const nextPollAt = sources.agent.schedule.nextPollAt(summary.url, summary.state);
  return {
    url: summary.url,
    state: summary.state,
    status: status?.status ?? null,
    version: installed?.version ?? null,
    thumbprint: installed?.thumbprint ?? null,
    notAfter: installed?.notAfter ?? null,
    daysToExpiry: daysUntil(installed?.notAfter, now),
    installedAt: (installed && sources.installedAt(summary.url, installed.version)) ?? null,
    nextPollAt: nextPollAt?.toISOString() ?? null,
    consecutiveFailures: summary.attempt,
    lastError: summary.lastError ? { reason: summary.lastError.reason, message: summary.lastError.message } : null,
    warnings: summary.warnings,
    message: status?.message ?? null,
    lastAfterInstallHook: hookEntry(sources.lastHookRun(summary.url)),
  };
}

function hookEntry(run: HookRun | undefined): HookRunEntry | null {
  if (!run) return null;
  return { version: run.version, command: run.command, succeeded: run.succeeded, exitCode: run.exitCode ?? null, timedOut: run.timedOut, finishedAt: run.finishedAt };
}
