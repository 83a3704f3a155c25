// File names and contents of the KeyVaultForLinux store layout:
//   <vaultName>.<secretName>.<version>   leaf, intermediates, private key (PKCS#8), all PEM
//   <vaultName>.<secretName>             symbolic link to the version file installed last
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { Bundle } from '../bundle/bundle.ts';
import { toRfc2253 } from '../bundle/distinguished-name.ts';
import { readSubjectAltNames } from '../bundle/subject-alt-name.ts';
import { parseSecretUrl } from '../keyvault/secret-url.ts';
import type { StoredCertificate } from '../store.ts';

/** The link name and the version file name of one certificate version. */
export interface VersionFileNames {
  linkName: string;
  versionName: string;
}

/** Form of the names that list() and remove() take for version files. Temporary names start with a dot, so they never match. */
export const versionFilePattern = /^[0-9A-Za-z-]+\.[0-9A-Za-z-]+\.[0-9A-Za-z]+$/;

const labelPattern = /^[0-9A-Za-z-]+$/;
const versionPattern = /^[0-9A-Za-z]{1,64}$/;
const pemBlockPattern = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * Returns the file names for `version` of the secret in `certificateUrl`. Throws an Error naming
 * the value when a name could not be a single file name (for example, a vault host `[::1]`).
 */
export function versionFileNames(certificateUrl: string, version: string): VersionFileNames {
  const { vaultName, secretName } = parseSecretUrl(certificateUrl);
  if (!labelPattern.test(vaultName)) {
    throw new Error(`the vault name '${vaultName}' contains characters other than letters, digits and '-'`);
  }
  if (!versionPattern.test(version)) {
    throw new Error(`the version '${version}' is not 1 to 64 letters and digits`);
  }
  const linkName = `${vaultName}.${secretName}`;
  return { linkName, versionName: `${linkName}.${version}` };
}

/** Returns the PEM text of a version file: the leaf, the intermediates leaf side first, then the key. */
export function composeVersionFile(bundle: Bundle): string {
  const key = createPrivateKey(bundle.privateKeyPem).export({ type: 'pkcs8', format: 'pem' }).toString();
  const blocks = [bundle.leaf.pem, ...bundle.intermediates.map((intermediate) => intermediate.pem), key];
  return blocks.map((block) => `${block.trim()}\n`).join('');
}

/**
 * Reads the leaf (the first certificate) of a version file. Returns undefined for text without
 * a readable certificate, so that other files in the folder are passed over.
 */
export function readVersionFile(text: string): StoredCertificate | undefined {
  const blocks = [...text.matchAll(pemBlockPattern)];
  const leafBlock = blocks.find((block) => block[1] === 'CERTIFICATE');
  if (!leafBlock) return undefined;

  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(leafBlock[0]);
  } catch {
    return undefined;
  }
  const keyBlock = blocks.find((block) => block[1] === 'PRIVATE KEY');
  return {
    thumbprint: leaf.fingerprint.replaceAll(':', '').toUpperCase(),
    subject: toRfc2253(leaf.subject),
    sanDns: readSubjectAltNames(leaf.subjectAltName).dns,
    notAfter: leaf.validToDate,
    hasPrivateKey: keyBlock !== undefined && keyMatches(leaf, keyBlock[0]),
  };
}

function keyMatches(leaf: X509Certificate, keyPem: string): boolean {
  try {
    return leaf.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false;
  }
}
