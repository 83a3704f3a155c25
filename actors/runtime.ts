// The composition root: builds the agent's adapters from validated settings and CLI options.
import { readFile } from 'node:fs/promises';
import { ManagedIdentityTokenCredential } from '../adapters/imds/managed-identity-credential.ts';
import { KeyVaultSecretSource } from '../adapters/keyvault/keyvault-secret-source.ts';
import { parseSecretValue } from '../adapters/bundle/parse-secret.ts';
import { Agent } from './agent.ts';
import type { Logger } from './logger.ts';
import type { Settings } from './settings/settings.ts';
import { chooseStore } from './store-choice.ts';
import type { StoreKind } from './store-choice.ts';

export interface RuntimeOptions {
  store?: StoreKind;
  storeRoot: string;
  /** PEM of an extra certificate authority to trust for Key Vault, e.g. the emulator's. */
  trustedCaPem?: string;
  logger: Logger;
}

/** Reads a CA file given with --ca-file. */
export async function readCaFile(path: string | undefined): Promise<string | undefined> {
  return path === undefined ? undefined : readFile(path, 'utf8');
}

export function createAgent(settings: Settings, options: RuntimeOptions): Agent {
  const credential = new ManagedIdentityTokenCredential({ endpoint: settings.msiEndpoint, clientId: settings.msiClientId });
  const source = new KeyVaultSecretSource({ credential, trustedCaPem: options.trustedCaPem });
  const store = chooseStore(options.store, options.storeRoot);
  options.logger.info('agent.configured', { storeKind: store.kind, count: settings.observedCertificates.length });
  return new Agent({ settings, source, store, parseSecret: parseSecretValue, logger: options.logger });
}
