// Resolve-AccountSid from account-sid.ps1, run in real PowerShell. Well-known names need no
// Windows account database, so they are checked on every platform.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runFixture, whenPowerShellRuns } from './powershell-fixtures.ts';

const accounts = suite('account SIDs');
const live = whenPowerShellRuns(accounts);

const wellKnown: Array<[string, string]> = [
  ['Network Service', 'S-1-5-20'],
  ['NT AUTHORITY\\NETWORK SERVICE', 'S-1-5-20'],
  ['network service', 'S-1-5-20'],
  ['Local Service', 'S-1-5-19'],
  ['NT AUTHORITY\\LOCAL SERVICE', 'S-1-5-19'],
  ['System', 'S-1-5-18'],
  ['Local System', 'S-1-5-18'],
  ['Administrators', 'S-1-5-32-544'],
  ['IIS_IUSRS', 'S-1-5-32-568'],
  [' iis_iusrs ', 'S-1-5-32-568'],
  ['s-1-5-21-1004336348-1177238915-682003330-512', 'S-1-5-21-1004336348-1177238915-682003330-512'],
];

live('well-known names and SIDs map without lookup', async () => {
  const result = await runFixture<{ sids: string[] }>('resolve-account-sids', { accounts: wellKnown.map(([name]) => name) });

  assert.equal(result.sids, wellKnown.map(([, sid]) => sid));
});

live('unknown account is an error naming it', async () => {
  const failure = await runFixture('resolve-account-sids', { accounts: ['kvcert-no-such-account-7f3a'] }).then(() => undefined, (error: unknown) => error);

  assert.instance(failure, Error);
  assert.match((failure as Error).message, /account 'kvcert-no-such-account-7f3a' was not found/);
});

accounts.run();
