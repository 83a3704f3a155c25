import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent } from '../../actors/agent.ts';
import { silentLogger } from '../../actors/logger.ts';
import { validateSettings } from '../../actors/settings/validate-settings.ts';
import type { FetchedSecret, SecretSource } from '../../adapters/keyvault/secret-source.ts';
import type { SecretRef } from '../../adapters/keyvault/secret-url.ts';
import { fakeParse, RecordingStore } from './agent-fakes.ts';

const actors = suite('certificate actors concurrency');

const vault = 'https://contoso.vault.azure.net';

/** Counts downloads and installs in flight together, the work the limit covers. */
class InFlight {
  running = 0;
  peak = 0;

  enter(): void {
    this.running += 1;
    this.peak = Math.max(this.peak, this.running);
  }

  leave(): void {
    this.running -= 1;
  }
}

function slowSource(inFlight: InFlight): SecretSource & { calls: number } {
  return {
    calls: 0,
    async getSecret(ref: SecretRef): Promise<FetchedSecret> {
      this.calls += 1;
      inFlight.enter();
      await sleep(15);
      inFlight.leave();
      return { value: `${ref.secretName} value`, version: 'v1', id: `${ref.url}/v1`, enabled: true };
    },
  };
}

function startAgent(count: number, extra: Record<string, unknown>) {
  const inFlight = new InFlight();
  const store = new RecordingStore(15);
  store.onStart = () => inFlight.enter();
  const install = store.install.bind(store);
  store.install = async (...args) => {
    try {
      return await install(...args);
    } finally {
      inFlight.leave();
    }
  };
  const source = slowSource(inFlight);
  const urls = Array.from({ length: count }, (_, index) => `${vault}/secrets/cert-${index}`);
  const { settings } = validateSettings({ secretsManagementSettings: { observedCertificates: urls, ...extra } }, 'test');
  const agent = new Agent({ settings, source, store, parseSecret: fakeParse, logger: silentLogger });
  agent.start();
  return { agent, store, source, inFlight, settings };
}

actors('maxConcurrency bounds downloads and installs together', async () => {
  const { agent, store, source, inFlight } = startAgent(12, { maxConcurrency: 3 });

  await agent.settled(20_000);
  await agent.stop(1_000);

  assert.is(source.calls, 12);
  assert.is(store.installed.length, 12);
  assert.is(inFlight.peak, 3);
  assert.is(agent.limit.peak, 3);
});

actors('unset maxConcurrency allows 8', async () => {
  const { agent, inFlight } = startAgent(20, {});

  await agent.settled(20_000);
  await agent.stop(1_000);

  assert.is(agent.limit.max, 8);
  assert.is(inFlight.peak, 8);
});

actors('reload applies a new maxConcurrency', async () => {
  const { agent, settings } = startAgent(2, { maxConcurrency: 2 });
  await agent.settled(20_000);

  agent.reload({ ...settings, maxConcurrency: 5 });
  await agent.stop(1_000);

  assert.is(agent.limit.max, 5);
});

const parsing = suite('certificate actors parsing');

parsing('installed version is not parsed again', async () => {
  const urls = [`${vault}/secrets/web`, `${vault}/secrets/api`];
  const versions: Record<string, string> = { web: 'v1', api: 'v1' };
  const source: SecretSource = {
    async getSecret(ref) {
      return { value: `${ref.secretName} ${versions[ref.secretName]}`, version: versions[ref.secretName], id: `${ref.url}/v`, enabled: true };
    },
  };
  const parsed: string[] = [];
  const parseSecret = (value: string) => {
    parsed.push(value);
    return fakeParse(value);
  };
  const { settings } = validateSettings({ secretsManagementSettings: { observedCertificates: urls } }, 'test');
  const installed = Object.fromEntries(urls.map((url) => [url, { version: 'V1', thumbprint: 'AA' }]));
  const agent = new Agent({ settings, source, store: new RecordingStore(), parseSecret, logger: silentLogger, installed });

  agent.start();
  await agent.settled(10_000);
  const afterStart = [...parsed];
  versions.api = 'v2';
  agent.pollNow();
  await sleep(50);
  await agent.settled(10_000);
  await agent.stop(1_000);

  assert.equal(afterStart, []);
  assert.equal(parsed, ['api v2']);
});

actors.run();
parsing.run();
