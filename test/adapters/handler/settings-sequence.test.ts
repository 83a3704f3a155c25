import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SettingsFileNotFoundError, chooseSettingsFile, newestSettingsFile, readMrseq, removeMrseq, writeMrseq,
} from '../../../adapters/handler/settings-sequence.ts';

const sequence = suite('settings sequence');

let work: string;
let config: string;

sequence.before.each(async () => {
  work = await mkdtemp(join(tmpdir(), 'kvcert-handler-seq-'));
  config = join(work, 'config');
  await mkdir(config);
});

sequence.after.each(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Writes `<n>.settings` with the given modification time in seconds since 1970. */
async function settingsFile(n: number | string, mtimeS: number, content = '{}'): Promise<void> {
  const path = join(config, `${n}.settings`);
  await writeFile(path, content);
  await utimes(path, mtimeS, mtimeS);
}

sequence('newest modification time wins', async () => {
  await settingsFile(5, 1_000);
  await settingsFile(3, 2_000);

  const choice = await chooseSettingsFile(config, {});

  assert.is(choice.sequence, 3);
  assert.is(choice.path, join(config, '3.settings'));
  assert.is(choice.source, 'newest');
  assert.is(choice.empty, false);
  assert.is(choice.note, undefined);
});

sequence('equal times go to the highest number', async () => {
  await settingsFile(2, 1_000);
  await settingsFile(10, 1_000);
  await settingsFile(7, 1_000);

  const choice = await chooseSettingsFile(config, {});

  assert.is(choice.sequence, 10);
});

sequence('ConfigSequenceNumber wins over the newest file', async () => {
  await settingsFile(1, 1_000);
  await settingsFile(2, 2_000);

  const choice = await chooseSettingsFile(config, { ConfigSequenceNumber: '1' });

  assert.is(choice.sequence, 1);
  assert.is(choice.source, 'environment');
});

sequence('ConfigSequenceNumber without its file falls back', async () => {
  await settingsFile(1, 1_000);

  const choice = await chooseSettingsFile(config, { ConfigSequenceNumber: '4' });

  assert.is(choice.sequence, 1);
  assert.is(choice.source, 'newest');
  assert.is(choice.note, 'ConfigSequenceNumber=4 but 4.settings does not exist; using the newest settings file');
});

sequence('ConfigSequenceNumber that is not a number falls back', async () => {
  await settingsFile(1, 1_000);

  const choice = await chooseSettingsFile(config, { ConfigSequenceNumber: 'x1' });

  assert.is(choice.sequence, 1);
  assert.is(choice.note, "ConfigSequenceNumber 'x1' is not a whole number; using the newest settings file");
});

sequence('zero-byte file is empty settings', async () => {
  await settingsFile(0, 1_000, '');

  const choice = await chooseSettingsFile(config, {});

  assert.is(choice.sequence, 0);
  assert.is(choice.empty, true);
  assert.is(choice.size, 0);
});

sequence('other names are ignored', async () => {
  await settingsFile(1, 1_000);
  await settingsFile('web.9', 5_000);
  await writeFile(join(config, '9.settings.tmp'), '{}');
  await mkdir(join(config, '8.settings'));

  const choice = await chooseSettingsFile(config, {});

  assert.is(choice.sequence, 1);
});

sequence('no settings file is an error naming the folder', async () => {
  try {
    await chooseSettingsFile(config, {});
    assert.unreachable('choice should fail');
  } catch (error) {
    assert.instance(error, SettingsFileNotFoundError);
    assert.is((error as SettingsFileNotFoundError).configFolder, config);
    assert.match((error as Error).message, `No <n>.settings file in ${config}`);
  }
});

sequence('missing folder has no settings files', async () => {
  const error = await chooseSettingsFile(join(work, 'absent'), {}).then(() => undefined, (failure: Error) => failure);

  assert.instance(error, SettingsFileNotFoundError);
});

sequence('newest of no files is undefined', () => {
  assert.is(newestSettingsFile([]), undefined);
});

sequence('mrseq round trip', async () => {
  assert.is(await readMrseq(work), undefined);

  await writeMrseq(work, 12);

  assert.is(await readFile(join(work, 'mrseq'), 'utf8'), '12');
  assert.is(await readMrseq(work), 12);
});

sequence('mrseq with a newline is read', async () => {
  await writeFile(join(work, 'mrseq'), '7\n');

  assert.is(await readMrseq(work), 7);
});

sequence('damaged mrseq reads as none', async () => {
  await writeFile(join(work, 'mrseq'), 'seven');

  assert.is(await readMrseq(work), undefined);
});

sequence('mrseq removal is idempotent', async () => {
  await writeMrseq(work, 3);

  await removeMrseq(work);
  await removeMrseq(work);

  assert.is(await readMrseq(work), undefined);
});

sequence.run();
