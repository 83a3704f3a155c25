// The Azure Arc variant of the managed-identity endpoint: the Connected Machine agent (HIMDS)
// responds to a token request with 401 and `WWW-Authenticate: Basic realm=<key file>`, and the client
// repeats the request with `Authorization: Basic <file content>`. Reading the file proves that the
// caller may read the agent's token folder, which only privileged accounts can.
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { isLoopbackHost } from '../keyvault/secret-url.ts';

/** The api-version HIMDS expects, the one that MSAL for Node 5.x sends. */
export const arcApiVersion = '2020-06-01';
/** The port HIMDS listens on. */
export const arcPort = '40342';
/** Maximum key file size. HIMDS keys are short, so a larger file is not read. */
export const arcKeyMaxBytes = 4096;

/** Returns the folder in which HIMDS writes its key files on this platform. */
export function defaultArcTokenFolder(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform !== 'win32') return '/var/opt/azcmagent/tokens/';
  return `${env.ProgramData ?? 'C:\\ProgramData'}\\AzureConnectedMachineAgent\\Tokens\\`;
}

/** True for the HIMDS endpoint address: `localhost` or `127.0.0.1` on port 40342. */
export function isArcEndpoint(url: URL): boolean {
  return (url.hostname === 'localhost' || url.hostname === '127.0.0.1') && url.port === arcPort;
}

/** True when the endpoint is on this machine, the only place a HIMDS key may be sent to. */
export function isLoopbackEndpoint(url: URL): boolean {
  return isLoopbackHost(url.hostname);
}

/** Returns the key file path of a `Basic realm=<path>` challenge, or undefined for any other challenge. */
export function parseBasicRealm(header: string | null): string | undefined {
  const match = header === null ? null : /^\s*Basic\s+realm=(.+)$/i.exec(header);
  if (!match) return undefined;

  const realm = match[1].trim();
  const quoted = realm.length >= 2 && realm.startsWith('"') && realm.endsWith('"');
  return quoted ? realm.slice(1, -1) : realm;
}

/** The rule every key file must meet, for error messages. */
export function arcKeyRule(folder: string): string {
  return `kvcert reads only a .key file of at most ${arcKeyMaxBytes} bytes inside ${folder}`;
}

/**
 * Returns why `realm` may not be read as a key file, or undefined when its path is acceptable.
 * Checks only the text of the path, so a rejected path is never opened.
 */
export function checkRealmPath(realm: string, folder: string): string | undefined {
  if (!isAbsolute(realm)) return 'it is not an absolute path';
  if (!isInside(realm, folder)) return `it is outside ${folder}`;
  if (!realm.toLowerCase().endsWith('.key')) return 'its name does not end in .key';
  return undefined;
}

/** The key read from a file, or why it could not be used. The problem text never contains the key. */
export type ArcKeyResult = { key: string } | { problem: string };

/**
 * Reads the key file named by a challenge after `checkRealmPath` accepted it. Follows links only
 * when the real path is inside the folder too, and rejects a file that is larger than
 * 4096 bytes, empty, or not printable ASCII (the key goes into an HTTP header).
 */
export async function readArcKey(realm: string, folder: string): Promise<ArcKeyResult> {
  try {
    const realFile = await realpath(realm);
    if (!isInside(realFile, await realpath(folder))) return { problem: `it resolves to ${realFile}, outside ${folder}` };
    return await readSmallFile(realFile);
  } catch (error) {
    return { problem: `it could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})${permissionHint(error)}` };
  }
}

async function readSmallFile(path: string): Promise<ArcKeyResult> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { problem: 'it is not a regular file' };
    if (info.size > arcKeyMaxBytes) return { problem: `it has ${info.size} bytes, more than ${arcKeyMaxBytes}` };

    // Reads one byte past the limit, in case the file grew after the size check.
    const buffer = Buffer.alloc(arcKeyMaxBytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > arcKeyMaxBytes) return { problem: `it has more than ${arcKeyMaxBytes} bytes` };

    const key = buffer.subarray(0, bytesRead).toString('utf8').trim();
    if (key === '') return { problem: 'it is empty' };
    if (!/^[\x20-\x7e]+$/.test(key)) return { problem: 'it contains characters that an HTTP header cannot carry' };
    return { key };
  } finally {
    await handle.close();
  }
}

function isInside(path: string, folder: string): boolean {
  const inner = relative(resolve(folder), resolve(path));
  return inner !== '' && inner !== '..' && !inner.startsWith(`..${sep}`) && !isAbsolute(inner);
}

function permissionHint(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'EACCES' && code !== 'EPERM') return '';
  return '; run kvcert as root or an administrator, or as an account that the Azure Connected Machine agent lets read its token folder';
}

