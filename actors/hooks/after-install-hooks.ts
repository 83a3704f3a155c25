// Runs the afterInstall hook of a certificate each time a new version of it is installed: when
// the certificate goes from linked back to idle. Polls that find the installed version
// unchanged never get there. Hooks run one at a time, so that a global reload hook does not
// run concurrently for several certificates of one sync.
import type { Agent } from '../agent.ts';
import type { CertificateSummary } from '../../machines/status-rollup.ts';
import type { Logger } from '../logger.ts';
import { afterInstallHookFor } from '../settings/hook-settings.ts';
import type { HookCommand } from '../settings/hook-settings.ts';
import type { Settings } from '../settings/settings.ts';
import { hookEnvironment } from './hook-environment.ts';
import type { InstalledEvent } from './hook-environment.ts';
import { hookLogFields, hookWarning } from './hook-report.ts';
import { runHook } from './run-hook.ts';
import type { HookOutcome, RunHookOptions } from './run-hook.ts';

/** The last afterInstall run of a certificate, for `kvcert status`. */
export interface HookRun {
  version: string;
  command: string;
  succeeded: boolean;
  exitCode?: number;
  timedOut: boolean;
  finishedAt: string;
}

export interface AfterInstallHooksOptions {
  logger: Logger;
  /** Returns the settings in force; they change when the settings file is reloaded. */
  settings: () => Settings;
  /** Returns the paths the store reported for the install of `version`, if it happened in this process. */
  pathsOf: (certificateUrl: string, version: string) => string[] | undefined;
  /** Replaced in tests. */
  run?: (hook: HookCommand, options: RunHookOptions) => Promise<HookOutcome>;
  now?: () => Date;
}

export interface AfterInstallHooks {
  lastRun(url: string): HookRun | undefined;
  /** Stops watching and waits for the hooks already started or queued. */
  stop(): Promise<void>;
}

/** Returns the certificates whose state went from linked to idle since `previousStates`, and updates it. */
export function detectInstalls(previousStates: Map<string, string>, certificates: CertificateSummary[]): CertificateSummary[] {
  const installed = certificates.filter((certificate) => certificate.installed && certificate.state === 'idle' && previousStates.get(certificate.url) === 'linked');
  for (const certificate of certificates) previousStates.set(certificate.url, certificate.state);
  return installed;
}

/** Watches `agent` and runs afterInstall hooks for new installs. */
export function startAfterInstallHooks(agent: Agent, options: AfterInstallHooksOptions): AfterInstallHooks {
  const states = new Map<string, string>();
  const thumbprints = new PreviousThumbprints();
  const runs = new Map<string, HookRun>();
  let queue: Promise<void> = Promise.resolve();

  const enqueue = (event: InstalledEvent, hook: HookCommand) => {
    queue = queue.then(() => runOne(agent, event, hook, options))
      .then((run) => { runs.set(event.certificateUrl, run); })
      .catch((error: Error) => options.logger.error('hook.failed', { certificateUrl: event.certificateUrl, hook: 'afterInstall', message: error.message }));
  };

  const subscription = agent.status$.subscribe(() => {
    const certificates = agent.certificates();
    thumbprints.update(certificates);
    for (const certificate of detectInstalls(states, certificates)) {
      const event = installedEvent(certificate, thumbprints.previous(certificate.url), options);
      const hook = event && hookFor(options.settings(), certificate.url);
      if (event && hook) enqueue(event, hook);
    }
  });

  return {
    lastRun: (url) => runs.get(url),
    async stop() {
      subscription.unsubscribe();
      await queue;
    },
  };
}

function hookFor(settings: Settings, url: string): HookCommand | undefined {
  const observed = settings.observedCertificates.find((certificate) => certificate.url === url);
  return observed && afterInstallHookFor(settings.hooks, observed.hooks);
}

function installedEvent(certificate: CertificateSummary, previousThumbprint: string | undefined, options: AfterInstallHooksOptions): InstalledEvent | undefined {
  const observed = options.settings().observedCertificates.find((item) => item.url === certificate.url);
  const installed = certificate.installed;
  if (!observed || !installed) return undefined;
  return {
    certificateUrl: certificate.url,
    version: installed.version,
    thumbprint: installed.thumbprint,
    previousThumbprint,
    storeLocation: observed.storeLocation,
    storeName: observed.storeName,
    paths: options.pathsOf(certificate.url, installed.version) ?? [],
  };
}

async function runOne(agent: Agent, event: InstalledEvent, hook: HookCommand, options: AfterInstallHooksOptions): Promise<HookRun> {
  const log = options.logger.child({ certificateUrl: event.certificateUrl, version: event.version, thumbprint: event.thumbprint });
  const run = options.run ?? runHook;
  agent.setExtraWarnings(event.certificateUrl, []);
  log.info('hook.started', { hook: 'afterInstall', command: hook.command });

  const outcome = await run(hook, { env: hookEnvironment(event) });

  if (outcome.succeeded) {
    log.info('hook.finished', hookLogFields(hook, outcome));
  } else {
    log.warn('hook.failed', hookLogFields(hook, outcome));
    agent.setExtraWarnings(event.certificateUrl, [hookWarning(hook, outcome)]);
  }
  const now = options.now ?? (() => new Date());
  return { version: event.version, command: hook.command, succeeded: outcome.succeeded, exitCode: outcome.exitCode, timedOut: outcome.timedOut, finishedAt: now().toISOString() };
}

/** Remembers, per URL, the thumbprint installed before the current one. */
class PreviousThumbprints {
  readonly #current = new Map<string, string>();
  readonly #previous = new Map<string, string>();

  update(certificates: CertificateSummary[]): void {
    for (const { url, installed } of certificates) {
      const known = this.#current.get(url);
      if (!installed || installed.thumbprint === known) continue;
      if (known !== undefined) this.#previous.set(url, known);
      this.#current.set(url, installed.thumbprint);
    }
  }

  previous(url: string): string | undefined {
    return this.#previous.get(url);
  }
}
