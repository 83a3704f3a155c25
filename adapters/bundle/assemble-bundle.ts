// Turns the certificates and keys read from a secret into a Bundle: finds the leaf and
// its key, sorts the rest into intermediates, roots and ignored certificates, and
// collects the warnings.
import type { Bundle } from './bundle.ts';
import { BundleProblem } from './bundle-problem.ts';
import { loadCertificate, type LoadedCertificate } from './certificate-info.ts';
import { sortChain } from './chain.ts';
import { describeKeyType } from './key-type.ts';
import { findLeaf } from './leaf.ts';
import type { SecretContents } from './secret-contents.ts';
import { validityWarnings } from './validity.ts';

/** Builds the Bundle. `warnings` are those found before this step. Throws BundleProblem. */
export function assembleBundle(
  format: Bundle['format'],
  contents: SecretContents,
  warnings: string[],
  now: Date,
): Bundle {
  const label = format === 'pkcs12' ? 'PFX' : 'PEM';
  if (contents.certificates.length === 0) {
    throw new BundleProblem('no-certificate', `the ${label} contains no certificate`);
  }
  if (contents.privateKeys.length === 0) {
    throw new BundleProblem('no-private-key', `the ${label} contains certificates but no private key`);
  }

  const certificates = withoutDuplicates(contents.certificates.map((der) => loadCertificate(der)));
  const { leaf, key } = findLeaf(certificates, contents.privateKeys);
  const keyType = describeKeyType(key);
  const chain = sortChain(leaf, certificates.filter((certificate) => certificate !== leaf));

  const allWarnings = [...warnings, ...contents.warnings, ...validityWarnings(leaf.info, now)];
  if (chain.ignored.length > 0) allWarnings.push('extra-certificate-ignored');

  return {
    format,
    leaf: leaf.info,
    ...chain,
    privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    keyType,
    warnings: [...new Set(allWarnings)],
  };
}

// A certificate stored twice (e.g. the leaf in two bags) counts once.
function withoutDuplicates(certificates: LoadedCertificate[]): LoadedCertificate[] {
  const seen = new Set<string>();
  return certificates.filter((certificate) => {
    if (seen.has(certificate.info.thumbprint)) return false;
    seen.add(certificate.info.thumbprint);
    return true;
  });
}
