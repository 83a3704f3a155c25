// Sorts the certificates other than the leaf into what a store installs and what it
// skips. Intermediates are CA certificates (basicConstraints CA:TRUE) that are not
// self-signed. Roots are self-signed CA certificates, which are reported but never
// installed, because trusting a root is the machine owner's decision.
import type { CertificateInfo } from './bundle.ts';
import type { LoadedCertificate } from './certificate-info.ts';

/** The non-leaf certificates of a secret, by role. */
export interface SortedChain {
  /** Leaf side first: each one issued the one before it, then any not on the leaf's path. */
  intermediates: CertificateInfo[];
  roots: CertificateInfo[];
  /** Certificates that are not CA certificates. */
  ignored: CertificateInfo[];
}

/** Sorts `others` (every certificate except the leaf) relative to `leaf`. */
export function sortChain(leaf: LoadedCertificate, others: LoadedCertificate[]): SortedChain {
  const intermediates = others.filter((certificate) => certificate.info.isCa && !certificate.info.selfSigned);
  return {
    intermediates: orderFromLeaf(leaf, intermediates).map((certificate) => certificate.info),
    roots: others.filter((certificate) => certificate.info.isCa && certificate.info.selfSigned)
      .map((certificate) => certificate.info),
    ignored: others.filter((certificate) => !certificate.info.isCa).map((certificate) => certificate.info),
  };
}

// Follows issuer to subject from the leaf; CA certificates off that path keep their
// order from the secret and come last.
function orderFromLeaf(leaf: LoadedCertificate, cas: LoadedCertificate[]): LoadedCertificate[] {
  const remaining = [...cas];
  const ordered: LoadedCertificate[] = [];

  let current = leaf;
  for (;;) {
    const index = remaining.findIndex((candidate) => current.x509.checkIssued(candidate.x509));
    if (index < 0) break;
    current = remaining.splice(index, 1)[0];
    ordered.push(current);
  }
  return [...ordered, ...remaining];
}
