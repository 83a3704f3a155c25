// Checks the state file against the store once at start: a version whose certificate is
// gone from the store (removed by hand, or a store reset) is installed again.
import type { CertificateStore } from '../../adapters/store.ts';
import type { InstalledVersion } from '../../machines/certificate-types.ts';
import type { Logger } from '../logger.ts';
import type { ObservedCertificate } from '../settings/settings.ts';
import type { AgentState } from './state-file.ts';

/** Returns the installed versions of observed URLs whose thumbprints the store still holds. One list call per store. */
export async function verifyInstalled(state: AgentState, observed: ObservedCertificate[], store: CertificateStore, logger: Logger): Promise<Record<string, InstalledVersion>> {
  const installed: Record<string, InstalledVersion> = {};
  const listings = new Map<string, Promise<Set<string>>>();

  for (const certificate of observed) {
    const entry = state.certificates[certificate.url];
    if (!entry) continue;
    const target = { location: certificate.storeLocation, name: certificate.storeName };
    const key = `${target.location}\u0000${target.name.toLowerCase()}`;
    if (!listings.has(key)) {
      listings.set(key, store.list(target).then((items) => new Set(items.map((item) => item.thumbprint))).catch((error: Error) => {
        logger.warn('state.verify_failed', { store: `${target.location}\\${target.name}`, message: error.message });
        return new Set<string>();
      }));
    }
    if ((await listings.get(key)!).has(entry.thumbprint)) {
      installed[certificate.url] = { version: entry.version, thumbprint: entry.thumbprint, notAfter: entry.notAfter };
    } else {
      logger.info('state.certificate_missing', { certificateUrl: certificate.url, thumbprint: entry.thumbprint, version: entry.version });
    }
  }
  return installed;
}
