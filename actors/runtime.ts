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
import type { CertificateStore } from '../adapters/store.ts';
import type { InstalledVersion } from '../machines/certificate-types.ts';

/** Reads a CA file given with --ca-file. */
export async function readCaFile(path: string | undefined): Promise<string | undefined> {
  return path === undefined ? undefined : readFile(path, 'utf8');
}

export interface AgentRuntimeOptions {
  store: CertificateStore;
  trustedCaPem?: string;
  logger: Logger;
  installed?: Record<string, InstalledVersion>;
}

/** Builds the certificate store that `--store` and `--store-root` name. */
export function createStore(kind: StoreKind | undefined, storeRoot: string): CertificateStore {
  return chooseStore(kind, storeRoot);
}

/** Builds the credential and the Key Vault source, and the agent over them and `store`. */
export function createAgent(settings: Settings, options: AgentRuntimeOptions): Agent {
  const credential = new ManagedIdentityTokenCredential({ endpoint: settings.msiEndpoint, clientId: settings.msiClientId });
  const source = new KeyVaultSecretSource({ credential, trustedCaPem: options.trustedCaPem });
  options.logger.info('agent.configured', { storeKind: options.store.kind, count: settings.observedCertificates.length });
  return new Agent({
    settings, source, lister: source, store: options.store, parseSecret: parseSecretValue, logger: options.logger, installed: options.installed,
  });
}
