import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { runEmulate } from '../../emulators/emulate-command.ts';
import type { EmulateIo } from '../../emulators/emulate-command.ts';
import { ManagedIdentityTokenCredential } from '../../adapters/imds/managed-identity-credential.ts';
import { KeyVaultSecretSource } from '../../adapters/keyvault/keyvault-secret-source.ts';
import { parseSecretUrl } from '../../adapters/keyvault/secret-url.ts';

interface Settings {
  secretsManagementSettings: { observedCertificates: Array<{ url: string; certificateStoreName: string }> };
  authenticationSettings: { msiEndpoint: string };
}

/** Creates an EmulateIo that records output and runs `whileRunning` before letting the command stop. */
function recordingIo(whileRunning: () => Promise<void>): EmulateIo & { lines: string[]; errors: string[]; failure?: unknown } {
  const io = {
    lines: [] as string[],
    errors: [] as string[],
    failure: undefined as unknown,
    print: (line: string) => { io.lines.push(line); },
    printError: (line: string) => { io.errors.push(line); },
    waitForStop: async () => {
      try {
        await whileRunning();
      } catch (error) {
        io.failure = error;
      }
    },
  };
  return io;
}

const emulate = suite('kvcert emulate');

emulate('serves the samples with the written files', async () => {
  const out = await mkdtemp(join(tmpdir(), 'kvcert-emulate-test-'));
  const fetched: Array<{ contentType?: string; version: string }> = [];

  const io = recordingIo(async () => {
    const settings = JSON.parse(await readFile(join(out, 'settings.json'), 'utf8')) as Settings;
    const caPem = await readFile(join(out, 'ca.pem'), 'utf8');
    const credential = new ManagedIdentityTokenCredential({ endpoint: settings.authenticationSettings.msiEndpoint, maxRetries: 0 });
    const source = new KeyVaultSecretSource({ credential, trustedCaPem: caPem, maxRetries: 0 });
    for (const observed of settings.secretsManagementSettings.observedCertificates) {
      fetched.push(await source.getSecret(parseSecretUrl(observed.url)));
    }
  });

  const code = await runEmulate(['--out', out], io);
  await rm(out, { recursive: true, force: true });

  assert.is(io.failure, undefined);
  assert.is(code, 0);
  assert.equal(fetched.map((secret) => secret.contentType), ['application/x-pkcs12', 'application/x-pem-file', 'application/x-pkcs12']);
  const output = io.lines.join('\n');
  assert.match(output, /Key Vault emulator:\s+https:\/\/127\.0\.0\.1:\d+/);
  assert.match(output, /Token endpoint:\s+http:\/\/127\.0\.0\.1:\d+\/metadata\/identity\/oauth2\/token/);
  assert.match(output, `--ca-file ${join(out, 'ca.pem')}`);
  assert.match(output, /"observedCertificates"/);
});

emulate('writes a CA certificate', async () => {
  const out = await mkdtemp(join(tmpdir(), 'kvcert-emulate-test-'));
  let caPem = '';

  const code = await runEmulate(['--out', out], recordingIo(async () => {
    caPem = await readFile(join(out, 'ca.pem'), 'utf8');
  }));
  await rm(out, { recursive: true, force: true });

  assert.is(code, 0);
  assert.ok(new X509Certificate(caPem).ca);
});

emulate('closes the ports after stopping', async () => {
  const out = await mkdtemp(join(tmpdir(), 'kvcert-emulate-test-'));
  let endpoint = '';

  await runEmulate(['--out', out], recordingIo(async () => {
    const settings = JSON.parse(await readFile(join(out, 'settings.json'), 'utf8')) as Settings;
    endpoint = settings.authenticationSettings.msiEndpoint;
  }));
  await rm(out, { recursive: true, force: true });

  try {
    await fetch(`${endpoint}?api-version=2018-02-01&resource=https://vault.azure.net`, { headers: { Metadata: 'true' } });
    assert.unreachable('expected the token endpoint to be closed');
  } catch (error) {
    assert.instance(error, TypeError);
  }
});

emulate('rejects an invalid port', async () => {
  const io = recordingIo(async () => {});

  const code = await runEmulate(['--port', 'eighty'], io);

  assert.is(code, 2);
  assert.match(io.errors.join('\n'), /Invalid --port 'eighty': expected an integer from 0 to 65535/);
  assert.equal(io.lines, []);
});

emulate('rejects an unknown option', async () => {
  const io = recordingIo(async () => {});

  const code = await runEmulate(['--bogus'], io);

  assert.is(code, 2);
  assert.match(io.errors.join('\n'), /Usage: kvcert emulate/);
});

emulate.run();
