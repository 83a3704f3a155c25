// Checks store targets and thumbprints before any PowerShell runs, so a settings mistake is
// reported with the setting's name instead of a .NET exception.
import { StoreError, type StoreTarget } from '../store.ts';

const locations = new Set(['LocalMachine', 'CurrentUser']);

/**
 * Rejects a location other than exactly `LocalMachine` or `CurrentUser`, and a store name that is
 * empty or contains a path separator or control character. Store names are otherwise free:
 * Windows creates a custom store for an unknown name.
 */
export function checkStoreTarget(target: StoreTarget, step: StoreError['step'], certificateUrl: string): void {
  if (!locations.has(target.location)) {
    throw new StoreError(certificateUrl, step,
      `certificateStoreLocation must be 'LocalMachine' or 'CurrentUser' (case-sensitive), not '${target.location}'.`);
  }
  if (target.name.trim() === '' || /[\\/\p{Cc}]/u.test(target.name)) {
    throw new StoreError(certificateUrl, step,
      `certificateStoreName '${target.name}' is invalid: use a name such as 'My' or 'WebHosting', without '\\', '/' or control characters.`);
  }
}

/** Rejects anything but 40 hexadecimal digits, the SHA-1 thumbprint Windows uses as identity. */
export function checkThumbprint(thumbprint: string, step: StoreError['step'], certificateUrl: string): void {
  if (/^[0-9A-Fa-f]{40}$/.test(thumbprint)) return;
  throw new StoreError(certificateUrl, step, `'${thumbprint}' is not a certificate thumbprint (40 hexadecimal digits).`);
}
