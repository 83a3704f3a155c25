// The common result of the PFX and PEM readers, before the leaf and chain are sorted out.
import type { KeyObject } from 'node:crypto';

/** Certificates (DER exactly as stored) and private keys found in a secret value. */
export interface SecretContents {
  certificates: Buffer[];
  privateKeys: KeyObject[];
  /** Conditions the reader noticed but could work around, e.g. `key-block-label-mismatch`. */
  warnings: string[];
}
