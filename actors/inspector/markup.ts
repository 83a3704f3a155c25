// Escapes text for HTML and SVG markup that the inspector builds as strings.

const replacements: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes `value` for use in element text and in double- or single-quoted attributes. */
export function escapeMarkup(value: string): string {
  return value.replace(/[&<>"']/g, (character) => replacements[character]);
}
