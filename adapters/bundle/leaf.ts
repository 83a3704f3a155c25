// Finds the leaf: the certificate whose public key belongs to a private key in the
// secret. Its position in the secret does not matter, and a self-signed certificate
// that matches the key is a leaf, not a root.
import type { KeyObject } from 'node:crypto';
import { BundleProblem } from './bundle-problem.ts';
import type { LoadedCertificate } from './certificate-info.ts';

/** The leaf certificate and the private key that belongs to it. */
export interface LeafPair {
  leaf: LoadedCertificate;
  key: KeyObject;
}

/**
 * Pairs the first private key that matches a certificate with that certificate. When
 * several certificates match one key, the one with the latest notAfter wins.
 * Throws BundleProblem `key-mismatch` when no key matches any certificate.
 */
export function findLeaf(certificates: LoadedCertificate[], keys: KeyObject[]): LeafPair {
  for (const key of keys) {
    const matches = certificates.filter((certificate) => matchesKey(certificate, key));
    if (matches.length > 0) return { leaf: latestExpiring(matches), key };
  }

  const keyCount = keys.length === 1 ? 'the private key' : `any of the ${keys.length} private keys`;
  throw new BundleProblem('key-mismatch', `no certificate in the secret value matches ${keyCount}`);
}

function matchesKey(certificate: LoadedCertificate, key: KeyObject): boolean {
  try {
    return certificate.x509.checkPrivateKey(key);
  } catch {
    return false;
  }
}

function latestExpiring(certificates: LoadedCertificate[]): LoadedCertificate {
  return certificates.reduce((best, candidate) =>
    candidate.info.notAfter > best.info.notAfter ? candidate : best);
}
