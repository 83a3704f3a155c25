import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFaultLab } from './fault-harness.ts';
import type { FaultLab } from './fault-harness.ts';
import { assertHealthy, runFaultCase } from './fault-scenario.ts';

const tlsFaults = suite('agent under TLS faults');

let lab: FaultLab;

tlsFaults.before(async () => {
  lab = await startFaultLab();
});

tlsFaults.after(async () => {
  await lab.close();
});

tlsFaults('untrusted certificate after restart keeps version', async () => {
  await runFaultCase(lab.harness, {
    inject: () => lab.vault.restart({ untrustedCertificate: true }),
    clear: () => lab.vault.restart(),
    reason: 'NetworkError',
    message: /\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\).*The TLS certificate of '127.0.0.1' is not trusted/,
  });
});

tlsFaults('reset handshakes keep version, then recover', async () => {
  await runFaultCase(lab.harness, {
    async inject() {
      lab.vault.faults.connections.resetNext();
      // Restarting closes the kept-alive connection, so the agent has to open a new one.
      await lab.vault.restart();
    },
    clear: () => lab.vault.faults.connections.clear(),
    reason: 'NetworkError',
    message: /\(ECONNRESET\)/,
  });

  assert.ok(lab.vault.faults.connections.resets >= 1);
});

tlsFaults('agent stops cleanly after the faults', async () => {
  assertHealthy(lab.harness.agent);

  assert.is(await lab.harness.agent.stop(), 0);
});

tlsFaults.run();
