import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { validateSettings } from '../../../actors/settings/validate-settings.ts';
import { SettingsError } from '../../../actors/settings/settings-error.ts';

const settings = suite('settings validation');

const vaultUrl = 'https://myvault.vault.azure.net/secrets/mycert';

function problemsOf(raw: unknown): { path: string; value: string | undefined; message: string }[] {
  try {
    validateSettings(raw, 'test.json');
  } catch (error) {
    assert.instance(error, SettingsError);
    return (error as SettingsError).problems;
  }
  throw new Error('expected a SettingsError');
}

settings('applies the documented defaults', () => {
  const { settings: result } = validateSettings({ secretsManagementSettings: { observedCertificates: [{ url: vaultUrl }] } }, 'test.json');

  assert.is(result.pollingIntervalS, 3600);
  assert.is(result.linkOnRenewal, false);
  assert.is(result.requireInitialSync, false);
  assert.is(result.observedCertificates[0].storeName, 'MY');
  assert.is(result.observedCertificates[0].storeLocation, 'LocalMachine');
  assert.is(result.observedCertificates[0].keyExportable, false);
  assert.equal(result.observedCertificates[0].accounts, []);
  assert.is(result.msiEndpoint, 'http://169.254.169.254/metadata/identity/oauth2/token');
  assert.is(result.msiClientId, undefined);
});

settings('polling interval as string or number', () => {
  const asString = validateSettings({ secretsManagementSettings: { pollingIntervalInS: '600', observedCertificates: [vaultUrl] } }, 't');
  const asNumber = validateSettings({ secretsManagementSettings: { pollingIntervalInS: 600, observedCertificates: [vaultUrl] } }, 't');

  assert.is(asString.settings.pollingIntervalS, 600);
  assert.is(asNumber.settings.pollingIntervalS, 600);
});

settings('missing url names the field', () => {
  const problems = problemsOf({ secretsManagementSettings: { observedCertificates: [{ certificateStoreName: 'MY' }] } });

  assert.is(problems.length, 1);
  assert.is(problems[0].path, 'secretsManagementSettings.observedCertificates[0].url');
  assert.is(problems[0].value, undefined);
  assert.match(problems[0].message, /is required/);
});

settings('lower-case location shows the right case', () => {
  const problems = problemsOf({ secretsManagementSettings: { observedCertificates: [{ url: vaultUrl, certificateStoreLocation: 'localmachine' }] } });

  assert.is(problems[0].path, 'secretsManagementSettings.observedCertificates[0].certificateStoreLocation');
  assert.is(problems[0].value, '"localmachine"');
  assert.match(problems[0].message, /case-sensitive: write 'LocalMachine'/);
});

settings('http vault is rejected', () => {
  const problems = problemsOf({ secretsManagementSettings: { observedCertificates: [{ url: 'http://myvault.vault.azure.net/secrets/mycert' }] } });

  assert.is(problems[0].path, 'secretsManagementSettings.observedCertificates[0].url');
  assert.match(problems[0].message, /Key Vault needs https/);
});

settings('certificates URL points to the secret', () => {
  const problems = problemsOf({ secretsManagementSettings: { observedCertificates: [{ url: 'https://myvault.vault.azure.net/certificates/mycert' }] } });

  assert.match(problems[0].message, /without its private key/);
  assert.match(problems[0].message, /https:\/\/myvault\.vault\.azure\.net\/secrets\/mycert/);
});

settings('every problem is listed at once', () => {
  const problems = problemsOf({
    secretsManagementSettings: {
      pollingIntervalInS: 'hourly',
      observedCertificates: [{ url: 'http://a.vault.azure.net/secrets/x' }, { url: vaultUrl, certificateStoreLocation: 'Machine' }],
    },
    authenticationSettings: { msiClientId: 'not-a-guid' },
  });

  assert.equal(problems.map((problem) => problem.path), [
    'secretsManagementSettings.pollingIntervalInS',
    'secretsManagementSettings.observedCertificates[0].url',
    'secretsManagementSettings.observedCertificates[1].certificateStoreLocation',
    'authenticationSettings.msiClientId',
  ]);
});

settings('resource id as client id gets a hint', () => {
  const problems = problemsOf({
    secretsManagementSettings: { observedCertificates: [vaultUrl] },
    authenticationSettings: { msiClientId: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1' },
  });

  assert.is(problems[0].path, 'authenticationSettings.msiClientId');
  assert.match(problems[0].message, /resource ID; use its client ID/);
});

settings('malformed msi endpoint', () => {
  const problems = problemsOf({
    secretsManagementSettings: { observedCertificates: [vaultUrl] },
    authenticationSettings: { msiEndpoint: 'http:///metadata/identity/oauth2/token' },
  });

  assert.is(problems[0].path, 'authenticationSettings.msiEndpoint');
});

settings('authentication nested one level too deep', () => {
  const problems = problemsOf({
    secretsManagementSettings: { observedCertificates: [vaultUrl], authenticationSettings: { msiEndpoint: 'http://127.0.0.1:1/token' } },
  });

  assert.is(problems[0].path, 'secretsManagementSettings.authenticationSettings');
  assert.match(problems[0].message, /one level up/);
});

settings('duplicate urls are reported', () => {
  const problems = problemsOf({ secretsManagementSettings: { observedCertificates: [vaultUrl, `${vaultUrl}/`] } });

  assert.is(problems[0].path, 'secretsManagementSettings.observedCertificates[1].url');
  assert.match(problems[0].message, /repeats observedCertificates\[0\]/);
});

settings('v1 form takes top-level store fields', () => {
  const { settings: result } = validateSettings({
    secretsManagementSettings: { certificateStoreName: 'WebHosting', certificateStoreLocation: 'CurrentUser', observedCertificates: [vaultUrl] },
  }, 't');

  assert.is(result.observedCertificates[0].storeName, 'WebHosting');
  assert.is(result.observedCertificates[0].storeLocation, 'CurrentUser');
});

settings('ARM resource form uses properties.settings', () => {
  const arm = { type: 'Microsoft.Compute/virtualMachines/extensions', properties: { settings: { secretsManagementSettings: { observedCertificates: [{ url: 'x' }] } } } };

  const problems = problemsOf(arm);

  assert.is(problems[0].path, 'properties.settings.secretsManagementSettings.observedCertificates[0].url');
});

settings('twice-encoded publicSettings is parsed and noted', () => {
  const file = { runtimeSettings: [{ handlerSettings: { publicSettings: JSON.stringify({ secretsManagementSettings: { observedCertificates: [vaultUrl] } }) } }] };

  const { settings: result, notes } = validateSettings(file, 't');

  assert.is(result.observedCertificates[0].url, vaultUrl);
  assert.match(notes[0], /encoded twice/);
});

settings('sovereign cloud url keeps its resource', () => {
  const { settings: result } = validateSettings({ secretsManagementSettings: { observedCertificates: ['https://kv1.vault.usgovcloudapi.net:443/secrets/web/'] } }, 't');

  assert.is(result.observedCertificates[0].ref.resource, 'https://vault.usgovcloudapi.net');
  assert.is(result.observedCertificates[0].ref.vaultUrl, 'https://kv1.vault.usgovcloudapi.net');
  assert.is(result.observedCertificates[0].ref.secretName, 'web');
  assert.is(result.observedCertificates[0].ref.version, undefined);
});

settings('linux folder path as location', () => {
  const { settings: result } = validateSettings({
    secretsManagementSettings: { observedCertificates: [{ url: vaultUrl, certificateStoreLocation: '/var/lib/waagent/Microsoft.Azure.KeyVault.Store' }] },
  }, 't');

  assert.is(result.observedCertificates[0].storeLocation, '/var/lib/waagent/Microsoft.Azure.KeyVault.Store');
});

settings('relative folder as location is rejected', () => {
  const problems = problemsOf({ secretsManagementSettings: { observedCertificates: [{ url: vaultUrl, certificateStoreLocation: 'store/../x' }] } });

  assert.match(problems[0].message, /or an absolute folder path/);
});

settings('retainVersions must be a positive count', () => {
  const kept = validateSettings({ secretsManagementSettings: { retainVersions: '2', observedCertificates: [vaultUrl] } }, 't');
  const problems = problemsOf({ secretsManagementSettings: { retainVersions: 0, observedCertificates: [vaultUrl] } });

  assert.is(kept.settings.retainVersions, 2);
  assert.is(problems[0].path, 'secretsManagementSettings.retainVersions');
});

settings.run();
