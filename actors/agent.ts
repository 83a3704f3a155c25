// The running agent: the extension machine bound to real adapters, polling with rxjs and
// an overall status stream.
import { createActor, waitFor } from 'xstate';
import type { ActorOptions, AnyActorLogic, AnyActorRef, InspectionEvent } from 'xstate';
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
import type { SecretLister } from '../adapters/keyvault/secret-listing.ts';
import type { CertificateStore } from '../adapters/store.ts';
import { fetchSecret, grantKeyAccess, installBundle, linkRenewal } from './certificate-actors.ts';
import type { CertificateBindings, ParseSecret } from './certificate-actors.ts';
import type { Logger } from './logger.ts';
import type { ObservedCertificate, Settings } from './settings/settings.ts';
import { createTransitionLog } from './transition-log.ts';
import { retryDelayMs } from '../machines/backoff.ts';
import { PollSchedule } from './status-command/poll-schedule.ts';
import { ConcurrencyLimit } from './concurrency-limit.ts';
import { defaultMaxConcurrency } from './settings/concurrency-setting.ts';
import { VaultPollCoordinator } from './vault-poll/vault-poll-coordinator.ts';

export interface AgentOptions {
  settings: Settings;
  source: SecretSource;
  /** Lists vault secrets so that unchanged certificates need no GET; unset means one GET per certificate and poll. */
  lister?: SecretLister;
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

function entriesOf(settings: Settings, installed: Record<string, InstalledVersion>, random: () => number): ObservedEntry[] {
  return settings.observedCertificates.map((certificate) => ({ url: certificate.url, installed: installed[certificate.url], jitterSeed: random() }));
}

/** Polls the observed certificates and installs each new version. */
export class Agent {
  readonly status$: BehaviorSubject<StatusReport>;
  /** When each certificate is fetched next. */
  readonly schedule: PollSchedule;
  private settings: Settings;
  private readonly options: AgentOptions;
  private readonly actor;
  private polling?: Subscription;
  /** Shares each vault's listing between the certificates of one poll. */
  readonly polls: VaultPollCoordinator;
  /** Bounds downloads, parses and store operations in flight; replaced when maxConcurrency changes. */
  limit: ConcurrencyLimit;
  /** Inspection observers added with addInspector, e.g. `kvcert run --inspect`. */
  private readonly inspectors = new Set<(event: InspectionEvent) => void>();
  /** Warnings from outside the machines, e.g. a failed afterInstall hook, by URL. */
  private readonly extraWarnings = new Map<string, string[]>();
  private warningsVersion = 0;
  private summaryCache?: { summaries: Record<string, CertificateSummary>; settings: Settings; warningsVersion: number; list: CertificateSummary[] };
  private observedByUrl?: { settings: Settings; byUrl: Map<string, ObservedCertificate> };

  constructor(options: AgentOptions) {
    this.options = options;
    this.settings = options.settings;
    this.polls = new VaultPollCoordinator({ source: options.source, lister: options.lister, logger: options.logger });
    this.limit = new ConcurrencyLimit(this.settings.maxConcurrency ?? defaultMaxConcurrency);
    const bindings: CertificateBindings = {
      polls: this.polls,
      limit: () => this.limit,
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
      input: { requireInitialSync: this.settings.requireInitialSync, observed: entriesOf(this.settings, options.installed ?? {}, options.random ?? Math.random) },
      // An explicit `clock: undefined` would replace xstate's default clock, so set it only when given.
      ...(options.clock ? { clock: options.clock } : {}),
      inspect: this.inspectWith(createTransitionLog(options.logger)),
    });
    this.schedule = new PollSchedule(() => (options.scheduler ?? asyncScheduler).now());
    this.status$ = new BehaviorSubject(this.report());
    this.actor.subscribe(() => this.status$.next(this.reportOnRead()));
  }

  /**
   * Returns the report of the summaries as they are now, rolled up only when a field is first
   * read. Every certificate transition emits one, and subscribers read few of them, so a poll
   * of many certificates does not build a full report per transition.
   */
  private reportOnRead(): StatusReport {
    const summaries = this.actor.getSnapshot().context.certificates;
    const settings = this.settings;
    let report: StatusReport | undefined;
    const rolledUp = () => (report ??= rollUpStatus(this.summariesOf(summaries, settings), settings.requireInitialSync));
    return {
      get status() { return rolledUp().status; },
      get reason() { return rolledUp().reason; },
      get message() { return rolledUp().message; },
      get certificates() { return rolledUp().certificates; },
    };
  }

  // Records retries from each certificate actor's own snapshot, so that one transition costs
  // one update here instead of a pass over every certificate.
  private recordRetry(event: InspectionEvent): void {
    if (event.type !== '@xstate.snapshot' || event.actorRef === this.actor) return;
    const snapshot = event.snapshot as { value?: unknown; context?: { url?: unknown; attempt?: unknown; retryAfterMs?: number; jitterSeed?: number } };
    const context = snapshot.context;
    if (typeof context?.url !== 'string' || typeof context.attempt !== 'number') return;
    this.schedule.recordCertificate(context.url, String(snapshot.value), context.attempt, retryDelayMs({ ...context, attempt: context.attempt }));
  }

  private inspectWith(transitionLog: (event: InspectionEvent) => void): (event: InspectionEvent) => void {
    return (event) => {
      transitionLog(event);
      this.recordRetry(event);
      for (const inspector of this.inspectors) inspector(event);
    };
  }

  /**
   * Adds an observer of xstate's inspection events. It first gets an `@xstate.actor` event for
   * each actor that exists already, then every event. Returns the function that removes it.
   */
  addInspector(inspector: (event: InspectionEvent) => void): () => void {
    const rootId = this.actor.sessionId;
    const children = Object.values(this.actor.getSnapshot().children).filter((child) => child !== undefined) as AnyActorRef[];
    for (const actorRef of [this.actor as AnyActorRef, ...children]) inspector({ type: '@xstate.actor', actorRef, rootId });
    this.inspectors.add(inspector);
    return () => {
      this.inspectors.delete(inspector);
    };
  }

  private observed(url: string): ObservedCertificate {
    if (this.observedByUrl?.settings !== this.settings) {
      this.observedByUrl = { settings: this.settings, byUrl: new Map(this.settings.observedCertificates.map((item) => [item.url, item])) };
    }
    const found = this.observedByUrl.byUrl.get(url);
    if (!found) throw new Error(`${url} is no longer in the settings`);
    return found;
  }

  /**
   * Returns the certificates' summaries in settings order. The list is built once per change
   * of the machines' summaries, because status subscribers ask for it after every transition.
   */
  certificates(): CertificateSummary[] {
    return this.summariesOf(this.actor.getSnapshot().context.certificates, this.settings).slice();
  }

  private summariesOf(summaries: Record<string, CertificateSummary>, settings: Settings): CertificateSummary[] {
    const cached = this.summaryCache;
    if (cached?.summaries === summaries && cached.settings === settings && cached.warningsVersion === this.warningsVersion) return cached.list;

    const list: CertificateSummary[] = [];
    for (const certificate of settings.observedCertificates) {
      const summary = summaries[certificate.url];
      if (summary !== undefined) list.push(this.withExtraWarnings(summary));
    }
    this.summaryCache = { summaries, settings, warningsVersion: this.warningsVersion, list };
    return list;
  }

  private withExtraWarnings(summary: CertificateSummary): CertificateSummary {
    const extra = this.extraWarnings.get(summary.url) ?? [];
    return extra.length === 0 ? summary : { ...summary, warnings: [...summary.warnings, ...extra] };
  }

  /** Replaces the warnings that `url` shows besides the machine's own, e.g. a failed hook. They do not make the certificate fail. */
  setExtraWarnings(url: string, warnings: string[]): void {
    this.extraWarnings.set(url, warnings);
    this.warningsVersion += 1;
    this.status$.next(this.report());
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
      .pipe(expand(() => {
        const delayMs = Math.round(intervalMs * (0.9 + 0.2 * random()));
        this.schedule.recordPollScheduled(delayMs);
        return timer(delayMs, scheduler);
      }))
      .subscribe(() => {
        this.polls.beginPoll();
        this.actor.send({ type: 'poll.due' });
      });
    this.options.logger.info('agent.started', { count: this.settings.observedCertificates.length });
  }

  /** Polls every certificate now, including those waiting to retry. */
  pollNow(): void {
    this.polls.beginPoll();
    this.actor.send({ type: 'refresh.requested' });
  }

  /** Applies new settings: only actors whose URLs changed start or stop. */
  reload(settings: Settings): void {
    const installed = Object.fromEntries(this.certificates().flatMap((c) => (c.installed ? [[c.url, c.installed]] : [])));
    this.settings = settings;
    // Tasks already admitted finish under the old limit, so for a moment both limits count.
    const maxConcurrency = settings.maxConcurrency ?? defaultMaxConcurrency;
    if (maxConcurrency !== this.limit.max) this.limit = new ConcurrencyLimit(maxConcurrency);
    this.actor.send({ type: 'settings.changed', requireInitialSync: settings.requireInitialSync, observed: entriesOf(settings, installed, this.options.random ?? Math.random) });
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
