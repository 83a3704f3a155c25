// Ways the token emulator can fail or issue bad tokens, for tests of the agent's token handling.

export type TokenFault =
  /** An error response with this status, as `failNext` sends, but until the queue is cleared. */
  | { kind: 'status'; status: number }
  /** A token that expired 10 minutes ago, in a response whose `expires_on` is in the past too. */
  | { kind: 'expired' }
  /**
   * A token that expired 10 minutes ago, in a response whose `expires_on` and `expires_in`
   * promise the normal lifetime, as when the client's clock runs behind the vault's.
   */
  | { kind: 'expired-unannounced' };

/** How far in the past a faulty token's expiry lies. */
export const expiredAgeS = 600;

/** Returns the token's real lifetime and the lifetime the response reports, both in seconds. */
export function faultyLifetimes(fault: TokenFault | undefined, lifetimeS: number): { tokenS: number; reportedS: number } {
  if (fault?.kind === 'expired') return { tokenS: -expiredAgeS, reportedS: -expiredAgeS };
  if (fault?.kind === 'expired-unannounced') return { tokenS: -expiredAgeS, reportedS: lifetimeS };
  return { tokenS: lifetimeS, reportedS: lifetimeS };
}
