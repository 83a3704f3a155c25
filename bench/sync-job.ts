// The job a sync worker receives from the orchestrator: where the emulated vault is and what to fetch.

export interface SyncJob {
  vaultUrl: string;
  /** The token emulator's managed-identity endpoint. */
  tokenEndpoint: string;
  /** CA certificate of the vault emulator. */
  caPem: string;
  /** Secret names to fetch, all in the one vault. */
  names: string[];
  /** A new, empty folder the worker writes into. */
  storeRoot: string;
  /** The agent's secretsManagementSettings.maxConcurrency. Unset means its default. */
  maxConcurrency?: number;
}
