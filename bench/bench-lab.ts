// The loopback emulators a benchmark runs against, with helpers to publish secrets and to
// count the requests the vault received.
import { startKeyVaultEmulator } from '../emulators/keyvault-emulator.ts';
import type { KeyVaultEmulator } from '../emulators/keyvault-emulator.ts';
import type { RateLimitOptions } from '../emulators/faults/rate-limiter.ts';
import { startTokenEmulator } from '../emulators/token-emulator.ts';
import type { TokenEmulator } from '../emulators/token-emulator.ts';
import type { BenchSecret } from './bench-secrets.ts';

export interface BenchVault {
  tokens: TokenEmulator;
  vault: KeyVaultEmulator;
  publish(secrets: BenchSecret[]): void;
  /** Starts counting; `read` returns the vault requests since then. */
  counter(): { read(): RequestCounts };
  close(): Promise<void>;
}

export interface RequestCounts {
  /** Every request, including the SDK's first request of each client, which carries no token. */
  all: number;
  /** Requests with a bearer token: what Key Vault's throttling counts. */
  authenticated: number;
  /** GET /secrets pages. */
  listing: number;
  throttled: number;
}

/** Starts a token emulator and a vault emulator, optionally with a request limit. */
export async function startBenchVault(rateLimit?: RateLimitOptions, tokens?: TokenEmulator): Promise<BenchVault> {
  const tokenEmulator = tokens ?? await startTokenEmulator();
  const vault = await startKeyVaultEmulator({ verifyToken: tokenEmulator.verifyToken, rateLimit });
  return {
    tokens: tokenEmulator,
    vault,
    publish(secrets) {
      for (const secret of secrets) vault.setSecret(secret.name, { value: secret.value, contentType: secret.contentType });
    },
    counter() {
      const start = vault.requests.length;
      const throttledAtStart = vault.faults.throttled();
      return {
        read: () => {
          const requests = vault.requests.slice(start);
          return {
            all: requests.length,
            authenticated: requests.filter((request) => request.authorization).length,
            listing: requests.filter((request) => request.authorization && /^\/secrets\/?$/.test(request.path)).length,
            throttled: vault.faults.throttled() - throttledAtStart,
          };
        },
      };
    },
    async close() {
      await vault.close();
      if (!tokens) await tokenEmulator.close();
    },
  };
}
