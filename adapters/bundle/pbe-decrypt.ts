// Decrypts PFX parts with Node's crypto: PBKDF2 and the AES and 3DES ciphers come from
// OpenSSL, the PKCS#12 key derivation from pkcs12-kdf.ts. RC2 is absent from OpenSSL 3's
// default provider, so RC2-40 parts are deciphered by node-forge with a key derived here.
import { createDecipheriv, pbkdf2Sync } from 'node:crypto';
import forge from 'node-forge';
import { binaryToBytes, bytesToBinary } from './asn1-reader.ts';
import { bmpPassword, derivePkcs12Key, kdfHashes } from './pkcs12-kdf.ts';
import type { Pbes2Parameters, PbeParameters, Pkcs12PbeParameters } from './pbe-parameters.ts';

/**
 * Returns the plaintext, or undefined when decryption fails (a wrong password shows as bad
 * padding). A null password is the zero-length encoding of an empty one, which PBES2 reads as ''.
 */
export function decryptWithPbe(parameters: PbeParameters, encrypted: Buffer, password: string | null): Buffer | undefined {
  try {
    if (parameters.scheme === 'pbes2') return decryptPbes2(parameters, encrypted, password ?? '');
    if (parameters.scheme === 'pkcs12-3des') return decryptPkcs12TripleDes(parameters, encrypted, password);
    return decryptPkcs12Rc2(parameters, encrypted, password);
  } catch {
    return undefined;
  }
}

function decryptPbes2(parameters: Pbes2Parameters, encrypted: Buffer, password: string): Buffer {
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), parameters.salt, parameters.iterations, parameters.keyBytes, parameters.prfHash);
  const decipher = createDecipheriv(parameters.cipher, key, parameters.iv);
  return Buffer.concat([decipher.update(encrypted), decipher.final()]);
}

function decryptPkcs12TripleDes(parameters: Pkcs12PbeParameters, encrypted: Buffer, password: string | null): Buffer {
  const { key, iv } = deriveKeyAndIv(parameters, password, 24);
  const decipher = createDecipheriv('des-ede3-cbc', key, iv);
  return Buffer.concat([decipher.update(encrypted), decipher.final()]);
}

function decryptPkcs12Rc2(parameters: Pkcs12PbeParameters, encrypted: Buffer, password: string | null): Buffer | undefined {
  const { key, iv } = deriveKeyAndIv(parameters, password, 5);
  const cipher = forge.rc2.createDecryptionCipher(bytesToBinary(key), 40);
  cipher.start(bytesToBinary(iv));
  cipher.update(forge.util.createBuffer(bytesToBinary(encrypted)));
  return cipher.finish() ? binaryToBytes(cipher.output.getBytes()) : undefined;
}

// Both PKCS#12 PBE schemes derive with SHA-1 and use an 8-byte IV.
function deriveKeyAndIv(parameters: Pkcs12PbeParameters, password: string | null, keyBytes: number): { key: Buffer; iv: Buffer } {
  const encoded = bmpPassword(password);
  return {
    key: derivePkcs12Key(encoded, parameters.salt, 1, parameters.iterations, keyBytes, kdfHashes.sha1),
    iv: derivePkcs12Key(encoded, parameters.salt, 2, parameters.iterations, 8, kdfHashes.sha1),
  };
}
