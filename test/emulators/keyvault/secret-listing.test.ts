import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { routeRequest } from '../../../emulators/keyvault/routes.ts';
import { SecretStore } from '../../../emulators/keyvault/secret-store.ts';

const listing = suite('emulated secret listing');

const vaultUrl = 'https://127.0.0.1:8443';

function list(store: SecretStore, query: string) {
  const url = new URL(`${vaultUrl}/secrets?api-version=7.6${query}`);
  return routeRequest({ method: 'GET', url, bodyText: '' }, store, vaultUrl) as {
    status: number;
    body: { value: Array<{ id: string; attributes: { updated: number; enabled: boolean } }>; nextLink: string | null };
  };
}

function storeWith(names: string[]): SecretStore {
  const store = new SecretStore(() => 1_800_000_000_000);
  for (const name of names) store.add(name, { value: `${name} value` });
  return store;
}

listing('items carry the base id and the latest attributes', () => {
  const store = storeWith(['web']);
  store.add('web', { value: 'second' });
  const latest = store.latest('web')!;
  store.setEnabled('web', latest.version, false);

  const response = list(store, '');

  assert.is(response.status, 200);
  assert.equal(response.body.value.map((item) => item.id), [`${vaultUrl}/secrets/web`]);
  assert.is(response.body.value[0].attributes.enabled, false);
  assert.is(response.body.value[0].attributes.updated, 1_800_000_000);
  assert.is(response.body.nextLink, null);
});

listing('pages follow nextLink in name order', () => {
  const store = storeWith(['charlie', 'Alpha', 'bravo', 'delta', 'echo']);

  const first = list(store, '&maxresults=2');
  const next = new URL(first.body.nextLink!);
  const second = list(store, `&maxresults=2&$skiptoken=${next.searchParams.get('$skiptoken')}`);

  assert.equal(first.body.value.map((item) => item.id.split('/').at(-1)), ['Alpha', 'bravo']);
  assert.equal(second.body.value.map((item) => item.id.split('/').at(-1)), ['charlie', 'delta']);
  assert.is(next.pathname, '/secrets');
  assert.is(next.searchParams.get('maxresults'), '2');
});

listing('no secrets is an empty page', () => {
  const response = list(new SecretStore(), '');

  assert.equal(response.body.value, []);
  assert.is(response.body.nextLink, null);
});

listing('maxresults above 25 is rejected', () => {
  const response = list(storeWith(['web']), '&maxresults=26');

  assert.is(response.status, 400);
});

listing('invalid skiptoken is rejected', () => {
  const response = list(storeWith(['web']), '&$skiptoken=bm90LWEtbnVtYmVy');

  assert.is(response.status, 400);
});

listing.run();
