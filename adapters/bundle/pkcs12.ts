// Reads a PFX (PKCS#12, RFC 7292) in password integrity and password privacy mode:
// verifies the MAC with an empty password, decrypts the encrypted SafeContents and
// shrouded key bags, and returns certificates and private keys for Node's crypto.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import {
  Asn1StructureError, binaryToBytes, bytesToBinary, childrenOf, explicitContent, integerOf, octetsOf, oidOf, parseDer, type Asn1,
} from './asn1-reader.ts';
import { BundleProblem } from './bundle-problem.ts';
import { collectBags, type Pkcs12Bags } from './pkcs12-bags.ts';
import { decryptPart, type Pkcs12Password } from './pkcs12-decrypt.ts';
import { macMatches, readMacData } from './pkcs12-mac.ts';
import type { SecretContents } from './secret-contents.ts';

const contentTypes = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',
};

/**
 * Reads a PFX. `password` is only for a PFX from the legacy JSON wrapper, which names
 * its own. Throws BundleProblem.
 */
export function readPkcs12(der: Buffer, password?: string): SecretContents {
  let bags: Pkcs12Bags;
  try {
    bags = readBags(der, password);
  } catch (error) {
    if (!(error instanceof Asn1StructureError)) throw error;
    if (isDerCertificate(der)) {
      throw new BundleProblem('no-private-key', 'the secret value is a single DER certificate without a private key');
    }
    throw new BundleProblem('corrupt', `the secret value is not a readable PFX (${error.message})`, { cause: error });
  }

  const privateKeys = bags.privateKeys.map((pkcs8) => readPkcs8(pkcs8));
  return { certificates: bags.certificates, privateKeys, warnings: [] };
}

function readBags(der: Buffer, password: string | undefined): Pkcs12Bags {
  const pfx = parseDer(bytesToBinary(der), 'the PFX');
  const [version, authSafe, macData] = childrenOf(pfx, 'the PFX', 2);
  if (integerOf(version, 'the PFX version') !== 3) throw new Asn1StructureError('the PFX version is not 3');

  const content = readAuthenticatedSafe(authSafe);
  const unlocked = unlock(content, macData, password);

  const bags: Pkcs12Bags = { certificates: [], privateKeys: [] };
  const contentInfos = childrenOf(parseDer(content, 'the PFX AuthenticatedSafe'), 'the PFX AuthenticatedSafe', 0);
  for (const contentInfo of contentInfos) {
    collectBags(openSafeContents(contentInfo, unlocked), unlocked, bags);
  }
  return bags;
}

function readAuthenticatedSafe(authSafe: Asn1): string {
  const [typeNode, content] = childrenOf(authSafe, 'the PFX authSafe', 2);
  const type = oidOf(typeNode, 'the PFX authSafe content type');
  if (type === contentTypes.signedData) {
    throw new BundleProblem('unsupported-algorithm', 'the PFX uses public-key integrity mode (a signature instead of a MAC)');
  }
  if (type !== contentTypes.data) throw new Asn1StructureError('the PFX authSafe is not of type data');
  return octetsOf(explicitContent(content, 'the PFX authSafe content'));
}

/** Finds the empty-password encoding (or the given password) that verifies the MAC. */
function unlock(content: string, macData: Asn1 | undefined, password: string | undefined): Pkcs12Password {
  const hasPassword = password !== undefined && password !== '';
  const description = hasPassword ? 'the password from the JSON wrapper' : 'an empty password';
  const candidates = hasPassword ? [password] : ['', null];
  if (!macData) return { value: candidates[0], description, verified: false };

  const mac = readMacData(macData);
  const contentBytes = binaryToBytes(content);
  const match = candidates.find((candidate) => macMatches(contentBytes, mac, candidate));
  if (match !== undefined) return { value: match, description, verified: true };

  if (hasPassword) {
    throw new BundleProblem('integrity-check-failed', 'the PFX MAC does not verify with the password from the JSON wrapper');
  }
  throw new BundleProblem('password-required',
    'the PFX is protected by a password (its MAC does not verify with an empty password)');
}

function openSafeContents(contentInfo: Asn1, password: Pkcs12Password): Asn1 {
  const [typeNode, content] = childrenOf(contentInfo, 'a ContentInfo in the PFX', 2);
  const type = oidOf(typeNode, 'the type of a ContentInfo in the PFX');

  if (type === contentTypes.data) {
    return parseDer(octetsOf(explicitContent(content, 'a data ContentInfo in the PFX')), 'a SafeContents in the PFX');
  }
  if (type === contentTypes.encryptedData) {
    const encryptedData = explicitContent(content, 'an encryptedData ContentInfo in the PFX');
    const [, encryptedContentInfo] = childrenOf(encryptedData, 'an EncryptedData in the PFX', 2);
    const [, algorithm, encrypted] = childrenOf(encryptedContentInfo, 'an EncryptedContentInfo in the PFX', 3);
    return decryptPart(algorithm, octetsOf(encrypted), password, 'an encrypted part of the PFX');
  }
  if (type === contentTypes.envelopedData) {
    throw new BundleProblem('unsupported-algorithm', 'the PFX uses public-key privacy mode (envelopedData)');
  }
  throw new Asn1StructureError(`a ContentInfo in the PFX has the unexpected type ${type}`);
}

function readPkcs8(pkcs8: Buffer | KeyObject): KeyObject {
  if (!Buffer.isBuffer(pkcs8)) return pkcs8;
  try {
    return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch (error) {
    throw new BundleProblem('corrupt', 'a private key in the PFX is not a PKCS#8 key that Node.js can read', { cause: error });
  }
}

function isDerCertificate(der: Buffer): boolean {
  try {
    new X509Certificate(der);
    return true;
  } catch {
    return false;
  }
}
