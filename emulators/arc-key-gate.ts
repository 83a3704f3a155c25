// The Azure Arc part of the token emulator: like the Connected Machine agent (HIMDS), it responds
// to a token request without a key with 401 and `WWW-Authenticate: Basic realm=<key file>`, after
// writing a new random key into that file, and accepts `Authorization: Basic <key>` afterwards.
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';

/** The Authorization of a request: none, a key this gate issued, or any other value. */
export type ArcKeyCheck = 'missing' | 'valid' | 'invalid';

export interface ArcChallenge {
  status: 401;
  body: object;
  headers: Record<string, string>;
}

export interface ArcKeyGate {
  /** Returns how the request's Authorization header compares with the issued keys. */
  check(request: IncomingMessage): ArcKeyCheck;
  /** Writes a new key file and returns the 401 response that names it. */
  challenge(check: Exclude<ArcKeyCheck, 'valid'>): ArcChallenge;
  /** Key files written so far, oldest first. */
  readonly keyFiles: string[];
  /** Deletes the key files this gate wrote. */
  removeKeyFiles(): void;
}

/**
 * Creates a gate that writes its key files into `keyFolder`, which must exist. Every issued key
 * stays valid until the emulator closes. How long HIMDS accepts a key was not checked.
 */
export function createArcKeyGate(keyFolder: string): ArcKeyGate {
  if (!statSync(keyFolder, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`The Arc key folder ${keyFolder} does not exist; create it before starting the token emulator.`);
  }
  const keys = new Set<string>();
  const keyFiles: string[] = [];

  return {
    keyFiles,
    check(request) {
      const header = request.headers.authorization;
      if (header === undefined) return 'missing';
      const match = /^Basic (.+)$/.exec(header);
      return match && keys.has(match[1]) ? 'valid' : 'invalid';
    },
    challenge(check) {
      const key = randomBytes(32).toString('hex');
      const path = join(keyFolder, `${randomUUID()}.key`);
      writeFileSync(path, key, { mode: 0o600, flag: 'wx' });
      keys.add(key);
      keyFiles.push(path);
      return { status: 401, body: challengeBody(check), headers: { 'www-authenticate': `Basic realm=${path}` } };
    },
    removeKeyFiles() {
      for (const path of keyFiles) rmSync(path, { force: true });
    },
  };
}

// The body texts are the emulator's own, because the real agent's error body was not checked.
function challengeBody(check: Exclude<ArcKeyCheck, 'valid'>): object {
  const description = check === 'missing'
    ? 'Send the content of the key file named in WWW-Authenticate as Authorization: Basic <key>'
    : 'The key in the Authorization header is not valid';
  return { error: 'unauthorized_client', error_description: description };
}
