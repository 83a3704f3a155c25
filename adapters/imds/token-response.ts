// Reading the managed-identity token endpoint's JSON into an AccessToken.
import type { AccessToken } from '@azure/core-auth';
import type { EndpointErrorBody } from './managed-identity-error.ts';

/** How long before `expires_on` a token stops being reused and a new one is requested. */
export const refreshMarginMs = 5 * 60_000;

/**
 * Converts a 200 body into an AccessToken. Numbers arrive as JSON strings; `expires_on` is
 * Unix seconds or an ISO date, and `expires_in` (seconds) is the fallback.
 * Returns a reason string instead when the body cannot be used; the reason never contains the token.
 */
export function parseTokenResponse(body: unknown, nowMs: number): AccessToken | string {
  if (typeof body !== 'object' || body === null) return 'the body is not a JSON object';

  const fields = body as Record<string, unknown>;
  if (typeof fields.access_token !== 'string' || fields.access_token === '') return 'access_token is missing';

  const expiresOnTimestamp = readExpiry(fields, nowMs);
  if (expiresOnTimestamp === undefined) return 'expires_on and expires_in are missing or not numbers';

  return {
    token: fields.access_token,
    expiresOnTimestamp,
    refreshAfterTimestamp: Math.max(nowMs, expiresOnTimestamp - refreshMarginMs),
    tokenType: 'Bearer',
  };
}

function readExpiry(fields: Record<string, unknown>, nowMs: number): number | undefined {
  const expiresOn = fields.expires_on;
  if ((typeof expiresOn === 'string' || typeof expiresOn === 'number') && /^\d+$/.test(String(expiresOn))) {
    return Number(expiresOn) * 1000;
  }
  if (typeof expiresOn === 'string' && Number.isFinite(Date.parse(expiresOn))) {
    return Date.parse(expiresOn);
  }

  const expiresIn = fields.expires_in;
  if ((typeof expiresIn === 'string' || typeof expiresIn === 'number') && /^\d+$/.test(String(expiresIn))) {
    return nowMs + Number(expiresIn) * 1000;
  }
  return undefined;
}

/** Reads `{"error", "error_description"}` from an error response; any other body gives an empty result. */
export async function readErrorBody(response: Response): Promise<EndpointErrorBody> {
  let text: string;
  try {
    text = await response.text();
  } catch {
    return {};
  }

  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return {
      error: typeof parsed.error === 'string' ? parsed.error : undefined,
      errorDescription: typeof parsed.error_description === 'string' ? parsed.error_description : undefined,
    };
  } catch {
    return text.trim() ? { errorDescription: text } : {};
  }
}
