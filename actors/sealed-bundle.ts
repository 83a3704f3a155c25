// Carries a parsed bundle through machine context without exposing it: JSON, inspection
// and console output see only the thumbprint.
import type { Bundle } from '../adapters/bundle/bundle.ts';

export class SealedBundle {
  readonly #bundle: Bundle;
  readonly thumbprint: string;

  constructor(bundle: Bundle) {
    this.#bundle = bundle;
    this.thumbprint = bundle.leaf.thumbprint;
  }

  open(): Bundle {
    return this.#bundle;
  }

  toJSON(): { thumbprint: string } {
    return { thumbprint: this.thumbprint };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SealedBundle(${this.thumbprint})`;
  }
}

/** Opens a payload from machine context, failing loudly if it is not a sealed bundle. */
export function openPayload(payload: unknown): Bundle {
  if (!(payload instanceof SealedBundle)) throw new Error('the fetched version carries no parsed bundle');
  return payload.open();
}
