// The emulated vault's secrets: every version of every secret, in creation order.
import { randomBytes } from 'node:crypto';

/** One stored version. Times are Unix seconds, as Key Vault reports them. */
export interface StoredSecretVersion {
  /** The name as first written; lookups ignore case, as Key Vault does. */
  name: string;
  /** 32 lower-case hex characters. */
  version: string;
  value: string;
  contentType?: string;
  enabled: boolean;
  created: number;
  updated: number;
  notBefore?: number;
  expires?: number;
  tags: Record<string, string>;
  /** True for versions that back a Key Vault certificate (then `kid` is reported too). */
  managed: boolean;
  previousVersion?: string;
}

export interface NewSecretVersion {
  value: string;
  contentType?: string;
  enabled?: boolean;
  notBefore?: number;
  expires?: number;
  tags?: Record<string, string>;
  managed?: boolean;
}

export class SecretStore {
  readonly #secrets = new Map<string, StoredSecretVersion[]>();
  readonly #nowS: () => number;

  constructor(now: () => number = Date.now) {
    this.#nowS = () => Math.floor(now() / 1000);
  }

  /** Adds a version and makes it the latest. */
  add(name: string, input: NewSecretVersion): StoredSecretVersion {
    const versions = this.#secrets.get(name.toLowerCase()) ?? [];
    const created = this.#nowS();
    const managed = input.managed ?? false;
    const entry: StoredSecretVersion = {
      name: versions[0]?.name ?? name,
      version: randomBytes(16).toString('hex'),
      value: input.value,
      contentType: input.contentType,
      enabled: input.enabled ?? true,
      created,
      updated: created,
      notBefore: input.notBefore,
      expires: input.expires,
      tags: input.tags ?? {},
      managed,
      previousVersion: managed ? versions.at(-1)?.version : undefined,
    };
    versions.push(entry);
    this.#secrets.set(name.toLowerCase(), versions);
    return entry;
  }

  /** Every version, oldest first; undefined when the secret does not exist. */
  versions(name: string): StoredSecretVersion[] | undefined {
    return this.#secrets.get(name.toLowerCase());
  }

  /** The latest version of every secret, ordered by lower-case name as a listing pages through them. */
  latestOfEach(): StoredSecretVersion[] {
    return [...this.#secrets.entries()]
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
      .map(([, versions]) => versions.at(-1)!);
  }

  latest(name: string): StoredSecretVersion | undefined {
    return this.versions(name)?.at(-1);
  }

  find(name: string, version: string): StoredSecretVersion | undefined {
    return this.versions(name)?.find((entry) => entry.version === version.toLowerCase());
  }

  /** Returns false when the version does not exist. */
  setEnabled(name: string, version: string, enabled: boolean): boolean {
    const entry = this.find(name, version);
    if (!entry) return false;
    entry.enabled = enabled;
    entry.updated = this.#nowS();
    return true;
  }

  /** Removes the secret with all its versions at once (no soft-delete). Returns false when it did not exist. */
  delete(name: string): boolean {
    return this.#secrets.delete(name.toLowerCase());
  }
}
