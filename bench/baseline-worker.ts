// Benchmark worker: the simplest script a user would write for the same job with the same
// SDK and node-forge. For each secret in turn: getSecret, parse the PFX with forge, write
// the key and the certificates as PEM files.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SecretClient } from '@azure/keyvault-secrets';
import forge from 'node-forge';
import { ManagedIdentityTokenCredential } from '../adapters/imds/managed-identity-credential.ts';
import type { SyncJob } from './sync-job.ts';
import { cpuMsSince, receiveJob, reportPhase } from './worker-process.ts';

const job = await receiveJob<SyncJob>();
const credential = new ManagedIdentityTokenCredential({ endpoint: job.tokenEndpoint });
const client = new SecretClient(job.vaultUrl, credential, {
  tlsOptions: { ca: job.caPem },
  // The emulator's challenge names https://vault.azure.net, which 127.0.0.1 does not end with.
  disableChallengeResourceVerification: true,
});

const cpuStart = process.cpuUsage();
const started = performance.now();
for (const name of job.names) {
  const secret = await client.getSecret(name);
  const pfx = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.decode64(secret.value!)), '');
  const keyBags = pfx.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? [];
  const certBags = pfx.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag!] ?? [];
  await writeFile(join(job.storeRoot, `${name}.key`), forge.pki.privateKeyToPem(keyBags[0].key!), { mode: 0o600 });
  await writeFile(join(job.storeRoot, `${name}.pem`), certBags.map((bag) => forge.pki.certificateToPem(bag.cert!)).join(''));
}

await reportPhase({
  phase: 'initial',
  wallMs: performance.now() - started,
  cpuMs: cpuMsSince(cpuStart),
  maxRssKb: process.resourceUsage().maxRSS,
  installed: job.names.length,
});
process.exit(0);
