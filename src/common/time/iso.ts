/** A time as the API writes it: ISO 8601 in UTC with milliseconds (`2025-12-01T10:00:00.000Z`). */
export function iso(value: Date | string): string {
  return new Date(value).toISOString();
}
