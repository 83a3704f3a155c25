// Emulators, one published certificate and a `kvcert run` agent that installed it: the
// starting point of every fault scenario.
import { startKeyVaultEmulator } from '../../emulators/keyvault-emulator.ts';
import type { KeyVaultEmulator, KeyVaultEmulatorOptions } from '../../emulators/keyvault-emulator.ts';
import { pkcs12WithIntermediate } from '../../emulators/sample-certificates.ts';
import { startTokenEmulator } from '../../emulators/token-emulator.ts';
import type { TokenEmulator, TokenEmulatorOptions } from '../../emulators/token-emulator.ts';
import { AgentProcess, createAgentFiles, eventually, removeAgentFiles } from './agent-process.ts';
import type { FaultHarness, InstalledCertificate } from './fault-scenario.ts';

export interface FaultLab {
  tokens: TokenEmulator;
  vault: KeyVaultEmulator;
  harness: FaultHarness;
  /** Every secret value published, for leak checks. */
  publishedValues: string[];
  /** Stops the agent and starts a new one with the same files, as after a reboot. Does not wait for its first poll. */
  restartAgent(): Promise<void>;
  close(): Promise<void>;
}

const secretName = 'web';

async function publish(vault: KeyVaultEmulator, values: string[]): Promise<InstalledCertificate> {
  const sample = await pkcs12WithIntermediate(`${secretName}.kvcert.test`);
  const { version } = vault.setSecret(secretName, { value: sample.value, contentType: sample.contentType });
  values.push(sample.value);
  return { version, thumbprint: sample.thumbprint };
}

/** Starts both emulators and an agent, and waits until the agent installed the first version. */
export async function startFaultLab(options: { tokens?: TokenEmulatorOptions; vault?: Partial<KeyVaultEmulatorOptions> } = {}): Promise<FaultLab> {
  const tokens = await startTokenEmulator(options.tokens);
  const vault = await startKeyVaultEmulator({ ...options.vault, verifyToken: tokens.verifyToken });
  const url = `${vault.url}/secrets/${secretName}`;
  const publishedValues: string[] = [];
  const first = await publish(vault, publishedValues);
  const files = await createAgentFiles([url], tokens.endpoint, vault.caPem);
  const agent = new AgentProcess(files);

  await eventually(async () => (await agent.substatusOf(url))?.status === 'success', 'the first install', 30_000, () => agent.log);
  const harness: FaultHarness = { agent, url, installed: first, publishRenewal: () => publish(vault, publishedValues) };
  return {
    tokens,
    vault,
    harness,
    publishedValues,
    async restartAgent() {
      await harness.agent.stop();
      harness.agent = new AgentProcess(files);
    },
    async close() {
      await harness.agent.stop();
      await vault.close();
      await tokens.close();
      await removeAgentFiles(files);
    },
  };
}
