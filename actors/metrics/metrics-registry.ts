// The Prometheus metrics of the agent, computed from its state at each scrape. prom-client
// writes the text exposition format (HELP and TYPE lines, label escaping).
import { Gauge, Registry } from 'prom-client';
import type { Agent } from '../agent.ts';
import type { CertificateSummary, OverallStatus } from '../../machines/status-rollup.ts';

export interface MetricsSources {
  agent: Agent;
  lastSuccessAt: (url: string) => Date | undefined;
  /** Returns when `version` of `url` was installed, from the state file kept by the agent. */
  installedAt: (url: string, version: string) => string | undefined;
  now?: () => Date;
}

type SampleOf = (certificate: CertificateSummary) => number | undefined;

const statuses: OverallStatus[] = ['Ready', 'Transitioning', 'Error'];

function epochSeconds(date: Date | string | undefined): number | undefined {
  if (date === undefined) return undefined;
  return (typeof date === 'string' ? Date.parse(date) : date.getTime()) / 1000;
}

function addCertificateGauge(registry: Registry, agent: Agent, name: string, help: string, sampleOf: SampleOf): void {
  new Gauge({
    name, help, labelNames: ['url'], registers: [registry],
    collect() {
      // Reset first, so that a certificate removed from the settings loses its series.
      this.reset();
      for (const certificate of agent.certificates()) {
        const sample = sampleOf(certificate);
        if (sample !== undefined && Number.isFinite(sample)) this.set({ url: certificate.url }, sample);
      }
    },
  });
}

function addStatusGauge(registry: Registry, agent: Agent): void {
  new Gauge({
    name: 'kvcert_status',
    help: 'Overall agent status: 1 for the current one of Ready, Transitioning and Error, 0 for the others.',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      const current = agent.report().status;
      for (const status of statuses) this.set({ status }, status === current ? 1 : 0);
    },
  });
}

/** Creates a registry of its own, so that nothing else in the process adds metrics to it. */
export function createMetricsRegistry(sources: MetricsSources): Registry {
  const registry = new Registry();
  const { agent } = sources;
  const now = sources.now ?? (() => new Date());

  const expiry: SampleOf = (certificate) => epochSeconds(certificate.installed?.notAfter);
  const age: SampleOf = ({ url, installed }) => {
    const installedAt = epochSeconds(installed && sources.installedAt(url, installed.version));
    return installedAt === undefined ? undefined : epochSeconds(now())! - installedAt;
  };
  const lastSuccess: SampleOf = (certificate) => epochSeconds(sources.lastSuccessAt(certificate.url));
  const failures: SampleOf = (certificate) => certificate.attempt;

  addCertificateGauge(registry, agent, 'kvcert_certificate_expiry_timestamp_seconds',
    'Expiry (notAfter) of the installed version, in seconds since the Unix epoch.', expiry);
  addCertificateGauge(registry, agent, 'kvcert_certificate_installed_version_age_seconds',
    'Seconds since kvcert installed the current version.', age);
  addCertificateGauge(registry, agent, 'kvcert_certificate_last_success_timestamp_seconds',
    'Time of the last poll that ended without error, in seconds since the Unix epoch.', lastSuccess);
  addCertificateGauge(registry, agent, 'kvcert_certificate_consecutive_failures',
    'Failed polls since the last successful one; 0 when healthy.', failures);
  addStatusGauge(registry, agent);
  return registry;
}
