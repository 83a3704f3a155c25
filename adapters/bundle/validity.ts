// Warnings about the leaf's validity period. An expired or not yet valid certificate
// still parses into a bundle, and the warning lets the status report explain why
// TLS clients may reject it.
import type { CertificateInfo } from './bundle.ts';

/** Returns `expired` when `now` is after notAfter and `not-yet-valid` when it is before notBefore. */
export function validityWarnings(leaf: CertificateInfo, now: Date): string[] {
  if (now.getTime() > leaf.notAfter.getTime()) return ['expired'];
  if (now.getTime() < leaf.notBefore.getTime()) return ['not-yet-valid'];
  return [];
}
