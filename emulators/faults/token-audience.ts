// Reads the audience of a bearer token so that tests can see where a token went without
// keeping the token itself.

/** Returns the unverified `aud` claim of `Authorization: Bearer <JWT>`, or undefined when there is none. */
export function bearerAudience(header: string | undefined): string | undefined {
  const match = /^Bearer\s+[^.\s]+\.([^.\s]+)\.[^.\s]+$/i.exec(header ?? '');
  if (!match) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')) as { aud?: unknown };
    return typeof claims.aud === 'string' ? claims.aud : undefined;
  } catch {
    return undefined;
  }
}
