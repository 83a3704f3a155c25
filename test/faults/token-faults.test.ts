import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFaultLab } from './fault-harness.ts';
import type { FaultLab } from './fault-harness.ts';
import { assertHealthy, runFaultCase } from './fault-scenario.ts';
import type { FaultCase } from './fault-scenario.ts';
import type { TokenFault } from '../../emulators/faults/token-fault.ts';

const tokenFaults = suite('agent under token faults');

let lab: FaultLab;

// Tokens that live less than the credential's 5-minute refresh margin are fetched again on
// every poll, so a token fault reaches the agent on the next poll instead of an hour later.
const shortLifetimeS = 240;

tokenFaults.before(async () => {
  lab = await startFaultLab({ tokens: { tokenLifetimeS: shortLifetimeS } });
});

tokenFaults.after(async () => {
  await lab.close();
});

/** Builds a case for a token fault, which the agent meets once a poll fetched a bad token and a vault request followed. */
function tokenCase(fault: TokenFault, reason: string, message: RegExp): FaultCase {
  let appliedBefore = 0;
  let vaultRequestsBefore = 0;
  return {
    inject() {
      appliedBefore = lab.tokens.tokenFaults.applied[fault.kind] ?? 0;
      vaultRequestsBefore = lab.vault.requests.length;
      lab.tokens.tokenFaults.inject(fault);
    },
    clear: () => lab.tokens.tokenFaults.clear(),
    armed: () => (lab.tokens.tokenFaults.applied[fault.kind] ?? 0) > appliedBefore &&
      lab.vault.requests.slice(vaultRequestsBefore).some((request) => request.authorization),
    reason,
    message,
  };
}

tokenFaults('expired tokens keep version, then recover', async () => {
  await runFaultCase(lab.harness, tokenCase({ kind: 'expired' }, 'Unauthenticated',
    /Key Vault returned 401 Unauthorized for .*: The bearer token is invalid, expired or for another resource/));

  assert.ok(lab.vault.requests.some((request) => request.status === 401 && request.authorization));
});

tokenFaults('tokens expired despite expires_on recover', async () => {
  await runFaultCase(lab.harness, tokenCase({ kind: 'expired-unannounced' }, 'Unauthenticated',
    /Key Vault returned 401 Unauthorized/));
});

// While a valid token is cached, the SDK keeps using it and retries the token endpoint in the
// background, so a failing endpoint shows only after a restart, when the agent has no token.
tokenFaults('token endpoint 400 after restart keeps version', async () => {
  await runFaultCase(lab.harness, {
    async inject() {
      lab.tokens.tokenFaults.inject({ kind: 'status', status: 400 });
      await lab.restartAgent();
    },
    clear: () => lab.tokens.tokenFaults.clear(),
    reason: 'Unauthenticated',
    message: /Could not get a managed identity token to read .*Identity not found/,
  });

  assert.ok((lab.tokens.tokenFaults.applied.status ?? 0) >= 1);
});

tokenFaults('vault rejecting valid tokens keeps version', async () => {
  await runFaultCase(lab.harness, {
    inject: () => lab.vault.faults.requests.inject({ kind: 'reject-token' }),
    clear: () => lab.vault.faults.requests.clear(),
    reason: 'Unauthenticated',
    message: /Key Vault returned 401 Unauthorized for .*: The bearer token was rejected/,
  });
});

tokenFaults('agent stops cleanly after the faults', async () => {
  assertHealthy(lab.harness.agent);

  assert.is(await lab.harness.agent.stop(), 0);
});

tokenFaults.run();
