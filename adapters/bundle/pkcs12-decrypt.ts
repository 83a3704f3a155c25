// Password-based decryption of PFX parts: PBES2 with PBKDF2 and AES-CBC or 3DES, and the
// PKCS#12 schemes (3DES, RC2-40). pbe-decrypt.ts does the work with Node's crypto.
// node-forge takes over when that fails or meets parameters it does not read, so that
// its checks decide which error a damaged or unsupported part gets.
import forge from 'node-forge';
import { Asn1StructureError, binaryToBytes, bytesToBinary, childrenOf, oidOf, parseDer, type Asn1 } from './asn1-reader.ts';
import { BundleProblem } from './bundle-problem.ts';
import { decryptWithPbe } from './pbe-decrypt.ts';
import { readPbeParameters } from './pbe-parameters.ts';

/** The password a PFX opened with, and how to name it in a message. */
export interface Pkcs12Password {
  /** null is the zero-length encoding of an empty password. */
  value: string | null;
  description: string;
  /** Whether the PFX MAC verified with this password. Without a MAC, garbage after decryption means a wrong password. */
  verified: boolean;
}

interface PbeApi {
  getCipher(oid: string, params: Asn1, password: string | null): forge.cipher.BlockCipher;
}

// @types/node-forge does not declare forge.pki.pbe, which forge 1.x exports.
const pbe = (forge.pki as unknown as { pbe: PbeApi }).pbe;

const pbes2 = '1.2.840.113549.1.5.13';
const pkcs12Schemes = new Set([
  '1.2.840.113549.1.12.1.3', // pbeWithSHAAnd3-KeyTripleDES-CBC
  '1.2.840.113549.1.12.1.6', // pbeWithSHAAnd40BitRC2-CBC
]);

/**
 * Decrypts `encrypted` under the AlgorithmIdentifier `algorithm` and parses the result,
 * which is DER in every PFX part. `partName` names the part in messages.
 */
export function decryptPart(algorithm: Asn1, encrypted: string, password: Pkcs12Password, partName: string): Asn1 {
  const [oidNode, params] = childrenOf(algorithm, `the encryption algorithm of ${partName}`, 2);
  const oid = oidOf(oidNode, `the encryption algorithm of ${partName}`);
  if (oid !== pbes2 && !pkcs12Schemes.has(oid)) {
    throw new BundleProblem('unsupported-algorithm', `${partName} is encrypted with OID ${oid}, which kvcert cannot decrypt`);
  }

  const wrongPassword = new BundleProblem('password-required', `${partName} does not decrypt with ${password.description}`);
  const plaintext = decryptNatively(oid, params, encrypted, password) ?? decryptWithForge(oid, params, encrypted, password, partName);
  if (plaintext === undefined) throw wrongPassword;

  try {
    return parseDer(plaintext, `the decrypted ${partName}`);
  } catch (error) {
    // A wrong key passes the padding check about once in 256 tries.
    if (!password.verified) throw wrongPassword;
    throw error;
  }
}

function decryptNatively(oid: string, params: Asn1, encrypted: string, password: Pkcs12Password): string | undefined {
  const parameters = readPbeParameters(oid, params);
  if (!parameters) return undefined;
  const plaintext = decryptWithPbe(parameters, binaryToBytes(encrypted), password.value);
  return plaintext && bytesToBinary(plaintext);
}

/** Returns the plaintext as a binary string, or undefined when the padding check fails. */
function decryptWithForge(oid: string, params: Asn1, encrypted: string, password: Pkcs12Password, partName: string): string | undefined {
  const cipher = createCipher(oid, params, password, partName);
  cipher.update(forge.util.createBuffer(encrypted));
  return cipher.finish() ? cipher.output.getBytes() : undefined;
}

function createCipher(oid: string, params: Asn1, password: Pkcs12Password, partName: string): forge.cipher.BlockCipher {
  // PBES2 takes the password as UTF-8 bytes, the PKCS#12 schemes as a BMPString.
  const key = oid === pbes2 ? forge.util.encodeUtf8(password.value ?? '') : password.value;
  try {
    return pbe.getCipher(oid, params, key);
  } catch (error) {
    // forge marks a PBES2 key derivation or cipher it does not implement with `supportedOids`.
    if (error instanceof Error && 'supportedOids' in error) {
      const detail = 'oid' in error ? ` (OID ${String(error.oid)})` : '';
      throw new BundleProblem('unsupported-algorithm', `${partName} uses a PBES2 scheme kvcert cannot decrypt${detail}`, { cause: error });
    }
    throw new Asn1StructureError(`the encryption parameters of ${partName} are invalid`, { cause: error });
  }
}
