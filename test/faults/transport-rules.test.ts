import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { startKeyVaultEmulator } from '../../emulators/keyvault-emulator.ts';
import type { KeyVaultEmulator } from '../../emulators/keyvault-emulator.ts';
import { pemWithEcKey, pkcs12WithIntermediate } from '../../emulators/sample-certificates.ts';
import { startTokenEmulator } from '../../emulators/token-emulator.ts';
import type { TokenEmulator } from '../../emulators/token-emulator.ts';
import { runCli } from '../e2e/cli-runner.ts';
import { AgentProcess, agentFlags, createAgentFiles, eventually, removeAgentFiles } from './agent-process.ts';
import type { AgentFiles } from './agent-process.ts';
import { startRecordingServer } from './recording-server.ts';
import type { RecordingServer } from './recording-server.ts';

const transport = suite('transport rules');

let tokens: TokenEmulator;
let vaults: KeyVaultEmulator[] = [];
let servers: RecordingServer[] = [];
let work: AgentFiles[] = [];

transport.before.each(async () => {
  tokens = await startTokenEmulator();
});

transport.after.each(async () => {
  for (const vault of vaults.splice(0)) await vault.close();
  for (const server of servers.splice(0)) await server.close();
  for (const files of work.splice(0)) await removeAgentFiles(files);
  await tokens.close();
});

async function startVault(resource?: string): Promise<KeyVaultEmulator> {
  const vault = await startKeyVaultEmulator({ verifyToken: tokens.verifyToken, resource });
  vaults.push(vault);
  return vault;
}

async function filesFor(urls: string[], caPems: string[]): Promise<AgentFiles> {
  const files = await createAgentFiles(urls, tokens.endpoint, caPems.join(''));
  work.push(files);
  return files;
}

function modeOf(path: string): Promise<string> {
  return stat(path).then((info) => (info.mode & 0o777).toString(8));
}

transport('http vault URL is rejected before any request', async () => {
  const plain = await startRecordingServer('http');
  servers.push(plain);
  const files = await filesFor([`${plain.origin}/secrets/web`], []);

  const result = await runCli(['sync', ...agentFlags(files)]);

  assert.is(result.code, 2);
  assert.match(result.stderr, /the scheme is 'http'; Key Vault needs https/);
  assert.equal(plain.requests, []);
  assert.equal(tokens.requests, []);
});

transport('each vault gets only its own audience', async () => {
  const publicCloud = await startVault('https://vault.azure.net');
  const chinaCloud = await startVault('https://vault.azure.cn');
  const web = await pkcs12WithIntermediate('web.kvcert.test');
  const api = await pemWithEcKey('api.kvcert.test');
  publicCloud.setSecret('web', { value: web.value, contentType: web.contentType });
  chinaCloud.setSecret('api', { value: api.value, contentType: api.contentType });
  const files = await filesFor([`${publicCloud.url}/secrets/web`, `${chinaCloud.url}/secrets/api`], [publicCloud.caPem, chinaCloud.caPem]);

  const result = await runCli(['sync', ...agentFlags(files)]);

  assert.is(result.code, 0, result.stderr);
  const audiences = (vault: KeyVaultEmulator) => [...new Set(vault.requests.filter((request) => request.authorization).map((request) => request.audience))];
  assert.equal(audiences(publicCloud), ['https://vault.azure.net']);
  assert.equal(audiences(chinaCloud), ['https://vault.azure.cn']);
  assert.equal([...new Set(tokens.requests.map((request) => request.resource))].sort(), ['https://vault.azure.cn', 'https://vault.azure.net']);
  assert.not.ok([...publicCloud.requests, ...chinaCloud.requests].some((request) => request.authorization && request.status === 401));
});

for (const status of [301, 302, 307]) {
  transport(`${status} to another port carries no token`, async () => {
    const vault = await startVault();
    const elsewhere = await startRecordingServer('https');
    servers.push(elsewhere);
    const web = await pkcs12WithIntermediate('web.kvcert.test');
    vault.setSecret('web', { value: web.value, contentType: web.contentType });
    vault.faults.requests.inject({ kind: 'redirect', status, location: `${elsewhere.origin}/secrets/web?api-version=7.5` });
    // The agent trusts the second server too, so a followed redirect would reach it.
    const files = await filesFor([`${vault.url}/secrets/web`], [vault.caPem, elsewhere.caPem]);

    const result = await runCli(['sync', ...agentFlags(files)]);

    assert.is(result.code, 1);
    assert.ok((vault.faults.requests.applied.redirect ?? 0) >= 1);
    assert.equal(elsewhere.requests.filter((request) => request.authorization), []);
    assert.equal(elsewhere.requests, []);
  });
}

transport('state, status and keys keep other users out', async () => {
  const vault = await startVault();
  const web = await pkcs12WithIntermediate('web.kvcert.test');
  const { version } = vault.setSecret('web', { value: web.value, contentType: web.contentType });
  const files = await filesFor([`${vault.url}/secrets/web`], [vault.caPem]);
  const agent = new AgentProcess(files);

  try {
    await eventually(async () => (await readFile(files.state, 'utf8')).includes(version), 'the state file', 30_000, () => agent.log);
    await eventually(async () => (await readFile(join(files.status, '0.status'), 'utf8')).includes(version), 'the status file', 30_000, () => agent.log);
    assert.is(await modeOf(files.state), '600');
    assert.is(await modeOf(join(files.status, '0.status')), '600');
    assert.is(await modeOf(files.status), '700');
    assert.is(await modeOf(join(files.store, 'LocalMachine', 'My', `${web.thumbprint}.key`)), '600');
    assert.is(await modeOf(files.control), '600');
  } finally {
    await agent.stop();
  }
});

transport('existing status folder keeps its mode', async () => {
  const vault = await startVault();
  const web = await pkcs12WithIntermediate('web.kvcert.test');
  vault.setSecret('web', { value: web.value, contentType: web.contentType });
  const files = await filesFor([`${vault.url}/secrets/web`], [vault.caPem]);
  await mkdir(files.status);
  await chmod(files.status, 0o755);

  const result = await runCli(['sync', ...agentFlags(files)]);

  assert.is(result.code, 0, result.stderr);
  assert.is(await modeOf(files.status), '755');
  assert.is(await modeOf(join(files.status, '0.status')), '600');
});

transport.run();
