import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-runner.ts';

const validate = suite('kvcert validate');

let work: string;

validate.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'kvcert-validate-'));
});

validate.after(async () => {
  await rm(work, { recursive: true, force: true });
});

async function settingsFile(name: string, content: unknown): Promise<string> {
  const path = join(work, name);
  await writeFile(path, JSON.stringify(content));
  return path;
}

validate('lists every problem and exits 2', async () => {
  const path = await settingsFile('bad.json', {
    secretsManagementSettings: {
      pollingIntervalInS: 'hourly',
      certificateStoreLocation: 'localmachine',
      hooks: { afterInstall: { command: 'systemctl reload nginx' } },
      observedCertificates: [{ url: 'https://myvault.vault.azure.net/keys/web' }, { url: 'https://myvault.vault.azure.net/secrets/api', accounts: 'Network Service' }],
    },
    authenticationSettings: { msiClientId: 'not-a-guid' },
  });

  const result = await runCli(['validate', path]);

  assert.is(result.code, 2);
  assert.is(result.stdout, '');
  const lines = result.stderr.trim().split('\n');
  assert.is(lines[0], `${path}: 7 problems in the settings:`);
  const paths = lines.slice(1).map((line) => line.trim().split(': ')[0]);
  assert.equal(paths, [
    'secretsManagementSettings.pollingIntervalInS',
    'secretsManagementSettings.observedCertificates[0].url',
    'secretsManagementSettings.observedCertificates[0].certificateStoreLocation',
    'secretsManagementSettings.observedCertificates[1].certificateStoreLocation',
    'secretsManagementSettings.observedCertificates[1].accounts',
    'authenticationSettings.msiClientId',
    'secretsManagementSettings.hooks.afterInstall.command',
  ]);
  assert.match(result.stderr, "(the value is case-sensitive: write 'LocalMachine')");
  assert.match(result.stderr, 'hooks run without a shell');
});

validate('valid file exits 0 with a summary', async () => {
  const path = await settingsFile('good.json', {
    secretsManagementSettings: {
      pollingIntervalInS: '600',
      hooks: { afterInstall: { command: process.execPath, args: ['--version'] } },
      observedCertificates: ['https://myvault.vault.azure.net/secrets/web', 'https://myvault.vault.azure.net/secrets/api'],
    },
    authenticationSettings: { msiEndpoint: 'http://127.0.0.1:40342/metadata/identity/oauth2/token' },
  });

  const result = await runCli(['validate', path]);

  assert.is(result.code, 0, result.stderr);
  assert.is(result.stdout, [
    `${path}: valid settings.`,
    '  2 observed certificates, polled every 600 s',
    '  requireInitialSync false, linkOnRenewal false, retainVersions all',
    '  afterInstall hook for 2 of 2 certificates',
    '  token endpoint http://127.0.0.1:40342/metadata/identity/oauth2/token',
    '',
  ].join('\n'));
});

validate('missing hook program is a warning', async () => {
  const missing = join(work, 'no-such-reload');
  const path = await settingsFile('hook.json', {
    secretsManagementSettings: { observedCertificates: [{ url: 'https://myvault.vault.azure.net/secrets/web', hooks: { afterInstall: { command: missing } } }] },
  });

  const result = await runCli(['validate', path]);

  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout,
    `Warning: secretsManagementSettings.observedCertificates[0].hooks.afterInstall.command: '${missing}' is not an executable file on this machine`);
});

validate('unreadable file exits 2', async () => {
  const result = await runCli(['validate', join(work, 'absent.json')]);

  assert.is(result.code, 2);
  assert.match(result.stderr, '(file): cannot be read: the file does not exist');
});

validate('no file given is a usage error', async () => {
  const result = await runCli(['validate']);

  assert.is(result.code, 2);
  assert.match(result.stderr, 'give exactly one settings file: kvcert validate SETTINGS');
});

validate.run();
