import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SettingsError } from '../../../actors/settings/settings-error.ts';
import { validateSettings } from '../../../actors/settings/validate-settings.ts';

const concurrency = suite('maxConcurrency setting');

const url = 'https://myvault.vault.azure.net/secrets/mycert';
const withValue = (maxConcurrency: unknown) => ({ secretsManagementSettings: { observedCertificates: [url], maxConcurrency } });

function problemsOf(raw: unknown) {
  try {
    validateSettings(raw, 'settings.json');
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  throw new Error('expected a SettingsError');
}

concurrency('unset means 8', () => {
  assert.is(validateSettings(withValue(undefined), 'settings.json').settings.maxConcurrency, 8);
});

concurrency('number and numeric string are read', () => {
  assert.is(validateSettings(withValue(3), 'settings.json').settings.maxConcurrency, 3);
  assert.is(validateSettings(withValue(' 16 '), 'settings.json').settings.maxConcurrency, 16);
  assert.is(validateSettings(withValue(256), 'settings.json').settings.maxConcurrency, 256);
});

for (const invalid of [0, -1, 2.5, 257, 'eight', true]) {
  concurrency(`${JSON.stringify(invalid)} is rejected`, () => {
    const problems = problemsOf(withValue(invalid));

    assert.is(problems.length, 1);
    assert.is(problems[0].path, 'secretsManagementSettings.maxConcurrency');
    assert.is(problems[0].value, JSON.stringify(invalid));
    assert.match(problems[0].message, /^must be a whole number from 1 to 256: how many certificates kvcert downloads, parses or installs at once/);
  });
}

concurrency.run();
