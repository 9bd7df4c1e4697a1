// The view's maps and profile are kept with their keys in sorted order, as they are stored: the
// runtime writes a state already in that order with V8's own JSON.stringify, and sorts any other
// key by key (see stateJson), which took about as long as serialising a whole trust score.

/** `record` with `key` set to `value`: the same object when the key was there, else a copy with the new key in its sorted place. */
export const withKey = <V>(record: Record<string, V>, key: string, value: V): Record<string, V> => {
  if (Object.hasOwn(record, key)) {
    record[key] = value;
    return record;
  }
  const next: Record<string, V> = {};
  let placed = false;
  for (const existing in record) {
    if (!placed && key < existing) {
      next[key] = value;
      placed = true;
    }
    next[existing] = record[existing]!;
  }
  if (!placed) next[key] = value;
  return next;
};

/** A copy of plain data (an event's) with every object's keys in sorted order. */
export const inKeyOrder = <T>(value: T): T => {
  if (Array.isArray(value)) return value.map(inKeyOrder) as T;
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = inKeyOrder((value as Record<string, unknown>)[key]);
  return sorted as T;
};
