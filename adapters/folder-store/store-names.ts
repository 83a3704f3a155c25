// Windows certificate store names are case-insensitive: `MY`, `My` and `my` are one store.
// The folder store uses one spelling per store so that they share one folder.

const canonicalNames = new Map(
  ['My', 'CA', 'Root', 'AuthRoot', 'TrustedPeople', 'TrustedPublisher', 'WebHosting', 'Disallowed', 'AddressBook', 'Remote Desktop']
    .map((name) => [name.toLowerCase(), name]),
);

/** Returns the Windows spelling of a system store name, or the name in lower case for a custom store. */
export function canonicalStoreName(name: string): string {
  return canonicalNames.get(name.toLowerCase()) ?? name.toLowerCase();
}
