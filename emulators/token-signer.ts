// Tokens the emulators issue and check: JWTs signed with HMAC-SHA256 under a key that
// exists only in this process, so a token from another emulator run is rejected.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  aud: string;
  iat: number;
  nbf: number;
  exp: number;
  appid?: string;
  jti: string;
}

/** Issues and verifies HS256 tokens; times are Unix seconds from `now()`. */
export class TokenSigner {
  readonly #key = randomBytes(32);
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  issue(resource: string, lifetimeS: number, clientId?: string): { token: string; claims: TokenClaims } {
    const iat = Math.floor(this.#now() / 1000);
    const claims: TokenClaims = { aud: resource, iat, nbf: iat, exp: iat + lifetimeS, jti: randomUUID() };
    if (clientId) claims.appid = clientId;

    const header = encodeJson({ alg: 'HS256', typ: 'JWT' });
    const payload = encodeJson(claims);
    return { token: `${header}.${payload}.${this.#sign(`${header}.${payload}`)}`, claims };
  }

  /** True when the signature is ours, the audience is `resource` and the token has not expired. */
  verify(token: string, resource: string): boolean {
    const parts = token.split('.');
    if (parts.length !== 3) return false;

    const expected = Buffer.from(this.#sign(`${parts[0]}.${parts[1]}`));
    const received = Buffer.from(parts[2]);
    if (expected.length !== received.length || !timingSafeEqual(expected, received)) return false;

    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as TokenClaims;
    const nowS = this.#now() / 1000;
    return trimSlash(claims.aud) === trimSlash(resource) && claims.nbf <= nowS && nowS < claims.exp;
  }

  #sign(data: string): string {
    return createHmac('sha256', this.#key).update(data).digest('base64url');
  }
}

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function trimSlash(resource: string): string {
  return resource.replace(/\/+$/, '').toLowerCase();
}
