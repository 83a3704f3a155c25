import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPowerShellChecker, type SyntaxIssueKind } from './powershell-syntax.ts';

const root = resolve(import.meta.dirname, '../../..');
const scriptFolders = [join(root, 'adapters/windows-store'), join(import.meta.dirname, 'fixtures')];
const scripts = scriptFolders.flatMap((folder) =>
  readdirSync(folder).filter((name) => name.endsWith('.ps1')).map((name) => join(folder, name)));
const check = await createPowerShellChecker();

const syntax = suite('powershell syntax');

syntax('finds the store scripts', () => {
  const names = scripts.map((path) => relative(root, path));
  for (const expected of ['install-certificate', 'list-certificates', 'grant-key-access', 'link-renewal', 'remove-certificate', 'store-common']) {
    assert.ok(names.includes(`adapters/windows-store/${expected}.ps1`), `${expected}.ps1 not found`);
  }
});

for (const path of scripts) {
  syntax(`${relative(root, path)} parses as Windows PowerShell 5.1`, () => {
    const issues = check(readFileSync(path, 'utf8'));

    assert.equal(issues, [], issues.map((issue) => `${issue.line}:${issue.column} ${issue.kind} ${issue.text}`).join('\n'));
  });
}

// Windows PowerShell 5.1 reads a .ps1 without a byte order mark in the ANSI code page, so any
// non-ASCII character would change meaning between the two editions.
for (const path of scripts) {
  syntax(`${relative(root, path)} is ASCII only`, () => {
    const lines = readFileSync(path, 'utf8').split('\n');
    const offending = lines.flatMap((line, index) => (/[^\x00-\x7f]/.test(line) ? [`${index + 1}: ${line}`] : []));

    assert.equal(offending, []);
  });
}

const samples: Array<[SyntaxIssueKind, string]> = [
  ['ternary', '$value = $flag ? 1 : 2'],
  ['null-coalescing', '$value = $maybe ?? "fallback"'],
  ['null-coalescing-assignment', '$value ??= 3'],
  ['null-conditional', '$length = $text?.Length'],
  ['null-conditional', '$first = ${items}?[0]'],
  ['pipeline-chain', 'Get-Item x && Write-Output done'],
  ['pipeline-chain', 'Get-Item x || Write-Output missing'],
];

for (const [kind, sample] of samples) {
  syntax(`checker reports ${kind} in: ${sample}`, () => {
    const kinds = check(sample).map((issue) => issue.kind);

    assert.ok(kinds.includes(kind), `expected ${kind}, got [${kinds.join(', ')}]`);
  });
}

syntax('checker reports an unclosed block', () => {
  const issues = check('if ($true) {\n  Write-Output 1\n');

  assert.ok(issues.length > 0);
  assert.ok(issues.every((issue) => issue.kind === 'missing' || issue.kind === 'syntax-error'));
});

syntax('checker accepts Windows PowerShell 5.1 constructs', () => {
  const source = [
    '$ErrorActionPreference = "Stop"',
    'function Get-Thing([string]$Name, $Flags) {',
    '    if ($Name -and -not $Flags) { return @{ name = $Name; list = @(1, 2) } }',
    '    elseif ($Name -eq "a") { $items = @(Get-ChildItem | Where-Object { $_.Length -gt 0 }) }',
    '    else { throw "no name" }',
    '    try { [Convert]::FromBase64String($Name) } catch { $_.Exception.Message } finally { $null = 1 }',
    '    $text = @\'',
    'here-string with ? and ?? and && inside',
    '\'@',
    '    & icacls.exe $Name /grant "*S-1-5-20:(R)"',
    '    if ($LASTEXITCODE -ne 0) { exit 4 }',
    '}',
  ].join('\n');

  assert.equal(check(source), []);
});

syntax.run();
