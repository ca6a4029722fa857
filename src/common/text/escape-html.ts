/** Text for an HTML page: the five characters that could end an element or an attribute, escaped. */
export function escapeHtml(value: string | number | boolean | null | undefined): string {
  const text = String(value ?? '');
  // Most cells hold none of the five: testing first spares them the replacement's copy.
  return HTML_SPECIAL.test(text) ? text.replace(HTML_SPECIALS, (c) => HTML_ENTITIES[c]) : text;
}

const HTML_SPECIAL = /[&<>"']/;
const HTML_SPECIALS = /[&<>"']/g;
const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
