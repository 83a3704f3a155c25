// Names the private key type the way kvcert reports it (`RSA 2048`, `EC P-256`) and
// rejects key types the certificate stores cannot take.
import type { KeyObject } from 'node:crypto';
import { BundleProblem } from './bundle-problem.ts';

// OpenSSL curve names of the NIST curves, which Windows CNG and Key Vault name P-256 etc.
const nistCurves: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

/**
 * Returns `RSA <bits>` or `EC <curve>`. Throws BundleProblem `unsupported-key-type` for
 * other keys (Ed25519, DSA, RSA-PSS-only, EC with explicit parameters), which Key Vault
 * certificates never hold.
 */
export function describeKeyType(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return `RSA ${details.modulusLength}`;
  if (key.asymmetricKeyType === 'ec' && details.namedCurve) {
    return `EC ${nistCurves[details.namedCurve] ?? details.namedCurve}`;
  }

  const type = key.asymmetricKeyType === 'ec' ? 'EC with explicit curve parameters' : key.asymmetricKeyType;
  throw new BundleProblem('unsupported-key-type', `the private key is of type ${type}, which kvcert does not install`);
}
