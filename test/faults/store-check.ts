// Reads a folder store the way a consumer would and lists every file that is not whole:
// certificates that do not parse, keys that do not parse or do not match their certificate.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface StoreInspection {
  /** Leaf or CA certificates by thumbprint. */
  certificates: Map<string, X509Certificate>;
  keys: Map<string, KeyObject>;
  /** Names of temporary files left by interrupted atomic writes (`.<name>.<random>.tmp`). */
  temporaryFiles: string[];
  /** One line per file that is damaged, mismatched or unexpected. */
  problems: string[];
}

const certificateName = /^([0-9A-F]{40})\.pem$/;
const keyName = /^([0-9A-F]{40})\.key$/;
const temporaryName = /^\..+\.[0-9a-f]+\.tmp$/;

/** Inspects one store folder, e.g. `<root>/LocalMachine/My`. A missing folder counts as empty. */
export async function inspectStoreFolder(folder: string): Promise<StoreInspection> {
  const inspection: StoreInspection = { certificates: new Map(), keys: new Map(), temporaryFiles: [], problems: [] };
  const names = await readdir(folder).catch(() => [] as string[]);

  for (const name of names) {
    const text = await readFile(join(folder, name), 'utf8');
    if (temporaryName.test(name)) inspection.temporaryFiles.push(name);
    else if (certificateName.test(name)) readCertificate(inspection, name, text);
    else if (keyName.test(name)) readKey(inspection, name, text);
    else inspection.problems.push(`${name}: unexpected file`);
  }

  for (const [thumbprint, key] of inspection.keys) {
    const certificate = inspection.certificates.get(thumbprint);
    if (certificate && !certificate.checkPrivateKey(key)) inspection.problems.push(`${thumbprint}.key: does not match ${thumbprint}.pem`);
  }
  return inspection;
}

function readCertificate(inspection: StoreInspection, name: string, text: string): void {
  const thumbprint = name.slice(0, 40);
  try {
    const certificate = new X509Certificate(text);
    const actual = certificate.fingerprint.replaceAll(':', '');
    if (actual !== thumbprint) inspection.problems.push(`${name}: holds certificate ${actual}`);
    inspection.certificates.set(thumbprint, certificate);
  } catch (error) {
    inspection.problems.push(`${name}: not a certificate (${(error as Error).message})`);
  }
}

function readKey(inspection: StoreInspection, name: string, text: string): void {
  try {
    inspection.keys.set(name.slice(0, 40), createPrivateKey(text));
  } catch (error) {
    inspection.problems.push(`${name}: not a private key (${(error as Error).message})`);
  }
}

/** True when the store has the certificate and a matching key for `thumbprint`. */
export function holdsPair(inspection: StoreInspection, thumbprint: string): boolean {
  const certificate = inspection.certificates.get(thumbprint);
  const key = inspection.keys.get(thumbprint);
  return certificate !== undefined && key !== undefined && certificate.checkPrivateKey(key);
}
