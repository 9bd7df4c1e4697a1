/**
 * a − b in time order for two ISO-8601 instants: negative, zero or positive. Handlers compare
 * times on every event; when both are UTC times of the same shape (the common case) this compares
 * the strings, without parsing either.
 */
export const compareInstants = (a: string, b: string): number =>
  a.length === b.length && a.endsWith('Z') && b.endsWith('Z') ? (a < b ? -1 : a > b ? 1 : 0) : Date.parse(a) - Date.parse(b);
