// The running agent: the extension machine bound to real adapters, polling with rxjs and
// an overall status stream.
import { createActor, waitFor } from 'xstate';
import type { ActorOptions, AnyActorLogic } from 'xstate';
import { BehaviorSubject, expand, Subscription, timer } from 'rxjs';
import type { SchedulerLike } from 'rxjs';
import { asyncScheduler } from 'rxjs';
import { certificateMachine } from '../machines/certificate-machine.ts';
import { extensionMachine } from '../machines/extension-machine.ts';
import type { ObservedEntry } from '../machines/extension-logic.ts';
import type { InstalledVersion } from '../machines/certificate-types.ts';
import { rollUpStatus } from '../machines/status-rollup.ts';
import type { CertificateSummary, StatusReport } from '../machines/status-rollup.ts';
import type { SecretSource } from '../adapters/keyvault/secret-source.ts';
import type { CertificateStore } from '../adapters/store.ts';
import { fetchSecret, grantKeyAccess, installBundle, linkRenewal } from './certificate-actors.ts';
import type { CertificateBindings, ParseSecret } from './certificate-actors.ts';
import type { Logger } from './logger.ts';
import type { ObservedCertificate, Settings } from './settings/settings.ts';
import { createTransitionLog } from './transition-log.ts';

export interface AgentOptions {
  settings: Settings;
  source: SecretSource;
  store: CertificateStore;
  parseSecret: ParseSecret;
  logger: Logger;
  /** Versions that the state file records as installed, by URL. */
  installed?: Record<string, InstalledVersion>;
  /** Clock for the machines' retry delays; xstate's default uses real timers. */
  clock?: ActorOptions<AnyActorLogic>['clock'];
  /** Scheduler for polling; rxjs's async scheduler uses real timers. */
  scheduler?: SchedulerLike;
  random?: () => number;
}

const busyStates = new Set(['fetching', 'installing', 'acl', 'linked']);

function entriesOf(settings: Settings, installed: Record<string, InstalledVersion>): ObservedEntry[] {
  return settings.observedCertificates.map((certificate) => ({ url: certificate.url, installed: installed[certificate.url] }));
}

/** Polls the observed certificates and installs each new version. */
export class Agent {
  readonly status$: BehaviorSubject<StatusReport>;
  private settings: Settings;
  private readonly options: AgentOptions;
  private readonly actor;
  private polling?: Subscription;

  constructor(options: AgentOptions) {
    this.options = options;
    this.settings = options.settings;
    const bindings: CertificateBindings = {
      source: options.source,
      parseSecret: options.parseSecret,
      store: options.store,
      lookup: (url) => this.observed(url),
      linkOnRenewal: () => this.settings.linkOnRenewal,
    };
    const certificate = certificateMachine.provide({
      actors: {
        fetchSecret: fetchSecret(bindings),
        installBundle: installBundle(bindings),
        grantKeyAccess: grantKeyAccess(bindings),
        linkRenewal: linkRenewal(bindings),
      },
    });
    this.actor = createActor(extensionMachine.provide({ actors: { certificate } }), {
      input: { requireInitialSync: this.settings.requireInitialSync, observed: entriesOf(this.settings, options.installed ?? {}) },
      // An explicit `clock: undefined` would replace xstate's default clock, so set it only when given.
      ...(options.clock ? { clock: options.clock } : {}),
      inspect: createTransitionLog(options.logger),
    });
    this.status$ = new BehaviorSubject(this.report());
    this.actor.subscribe(() => this.status$.next(this.report()));
  }

  private observed(url: string): ObservedCertificate {
    const found = this.settings.observedCertificates.find((certificate) => certificate.url === url);
    if (!found) throw new Error(`${url} is no longer in the settings`);
    return found;
  }

  /** Returns the certificates' summaries in settings order. */
  certificates(): CertificateSummary[] {
    const summaries = this.actor.getSnapshot().context.certificates;
    return this.settings.observedCertificates.map((certificate) => summaries[certificate.url]).filter((summary) => summary !== undefined);
  }

  report(): StatusReport {
    return rollUpStatus(this.certificates(), this.settings.requireInitialSync);
  }

  /** Starts the machines and polls now, then every pollingIntervalInS with ±10 % jitter. */
  start(): void {
    this.actor.start();
    const scheduler = this.options.scheduler ?? asyncScheduler;
    const random = this.options.random ?? Math.random;
    const intervalMs = this.settings.pollingIntervalS * 1000;
    this.polling = timer(0, scheduler)
      .pipe(expand(() => timer(Math.round(intervalMs * (0.9 + 0.2 * random())), scheduler)))
      .subscribe(() => this.actor.send({ type: 'poll.due' }));
    this.options.logger.info('agent.started', { count: this.settings.observedCertificates.length });
  }

  /** Polls every certificate now, including those waiting to retry. */
  pollNow(): void {
    this.actor.send({ type: 'refresh.requested' });
  }

  /** Applies new settings: only actors whose URLs changed start or stop. */
  reload(settings: Settings): void {
    const installed = Object.fromEntries(this.certificates().flatMap((c) => (c.installed ? [[c.url, c.installed]] : [])));
    this.settings = settings;
    this.actor.send({ type: 'settings.changed', requireInitialSync: settings.requireInitialSync, observed: entriesOf(settings, installed) });
  }

  /** Resolves once every certificate finished at least one poll and none is busy. */
  async settled(timeoutMs = Infinity): Promise<StatusReport> {
    await waitFor(this.actor, (snapshot) => Object.values(snapshot.context.certificates)
      .every((certificate) => certificate.polls > 0 && !busyStates.has(certificate.state)), { timeout: timeoutMs });
    return this.report();
  }

  /** Stops polling, lets an install in flight finish (up to `graceMs`), then stops the machines. */
  async stop(graceMs = 60_000): Promise<void> {
    this.polling?.unsubscribe();
    try {
      await waitFor(this.actor, (snapshot) => Object.values(snapshot.context.certificates)
        .every((certificate) => !busyStates.has(certificate.state) || certificate.state === 'fetching'), { timeout: graceMs });
    } catch {
      this.options.logger.warn('agent.stop_timed_out', { delayMs: graceMs });
    }
    this.actor.stop();
    this.status$.complete();
    this.options.logger.info('agent.stopped');
  }
}
