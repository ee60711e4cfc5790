/**
 * Dates as rows, tooltips and details show them. A date that is not valid never
 * throws here (toISOString would): it reads as "unknown date".
 */
export function formatDay(date: Date): string {
  return isValidDate(date) ? date.toISOString().slice(0, 10) : 'unknown date';
}

/** "2023-06-07 14:17 UTC". */
export function formatWhen(date: Date): string {
  return isValidDate(date) ? `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC` : 'unknown date';
}

/** ISO 8601 for JSON details, or null when the date is not valid. */
export function isoOrNull(date: Date): string | null {
  return isValidDate(date) ? date.toISOString() : null;
}

export function isValidDate(date: unknown): date is Date {
  return date instanceof Date && !Number.isNaN(date.getTime());
}
