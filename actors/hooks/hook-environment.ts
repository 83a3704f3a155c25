// The environment variables an afterInstall hook receives. None of them is secret, so a hook
// that needs the private key reads it from the store.
import { delimiter } from 'node:path';

/** A new version that kvcert installed, as passed to a hook. */
export interface InstalledEvent {
  certificateUrl: string;
  version: string;
  thumbprint: string;
  /** The thumbprint this version replaced; undefined on a first install. */
  previousThumbprint?: string;
  storeLocation: string;
  storeName: string;
  /** Files or store entries the install wrote or found, as the store reported them. */
  paths: string[];
}

/** Returns the KVCERT_* variables; KVCERT_PATHS joins the paths with the platform's path delimiter (`:` or `;`). */
export function hookEnvironment(event: InstalledEvent, pathDelimiter = delimiter): Record<string, string> {
  return {
    KVCERT_CERTIFICATE_URL: event.certificateUrl,
    KVCERT_VERSION: event.version,
    KVCERT_THUMBPRINT: event.thumbprint,
    KVCERT_PREVIOUS_THUMBPRINT: event.previousThumbprint ?? '',
    KVCERT_STORE_LOCATION: event.storeLocation,
    KVCERT_STORE_NAME: event.storeName,
    KVCERT_PATHS: event.paths.join(pathDelimiter),
  };
}
