// Recognises the shapes in which users hand over the extension's public settings and
// returns the public settings object itself.

export interface UnwrappedSettings {
  publicSettings: unknown;
  /** JSON path prefix of the public settings inside the file, for messages. */
  prefix: string;
  /** Notes for the log, e.g. that a JSON string was parsed once more. */
  notes: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a value that arrived as a JSON string (encoded twice); leaves other values alone. */
function decodeTwiceEncoded(value: unknown, path: string, notes: string[]): unknown {
  if (typeof value !== 'string') return value;
  try {
    const decoded: unknown = JSON.parse(value);
    notes.push(`${path || 'settings'} was a JSON string (encoded twice); parsed it once more`);
    return decoded;
  } catch {
    return value;
  }
}

/**
 * Accepts the public settings as they are, a handler settings file (`runtimeSettings[0]
 * .handlerSettings.publicSettings`), an ARM extension resource (`properties.settings`) or
 * an object with `publicSettings`/`settings` around them.
 */
export function unwrapSettings(raw: unknown): UnwrappedSettings {
  const notes: string[] = [];
  let value = decodeTwiceEncoded(raw, '', notes);
  let prefix = '';

  if (isObject(value) && Array.isArray(value.runtimeSettings)) {
    const handlerSettings = (value.runtimeSettings[0] as { handlerSettings?: unknown } | undefined)?.handlerSettings;
    prefix = 'runtimeSettings[0].handlerSettings.publicSettings';
    value = isObject(handlerSettings) ? handlerSettings.publicSettings : undefined;
  } else if (isObject(value) && isObject(value.properties) && 'settings' in value.properties) {
    prefix = 'properties.settings';
    value = value.properties.settings;
  } else if (isObject(value) && !('secretsManagementSettings' in value)) {
    for (const key of ['publicSettings', 'settings']) {
      if (key in value) {
        prefix = key;
        value = value[key];
        break;
      }
    }
  }

  value = decodeTwiceEncoded(value, prefix, notes);
  return { publicSettings: value, prefix, notes };
}
