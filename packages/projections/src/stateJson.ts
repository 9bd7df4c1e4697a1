/**
 * The stored form of a state: JSON with object keys sorted, so that the same state gives the same
 * bytes whatever order its keys were set in (a rebuild in other batch sizes, a state reloaded
 * from the store, a key once set to undefined). Refuses what JSON cannot round-trip, naming where.
 */
export const stateJson = (value: unknown): string => {
  try {
    return write(value);
  } catch (error) {
    if (error instanceof NotJsonError) throw new TypeError(`state${pathOfFirstNonJson(value, '')}: ${error.message}`);
    throw error;
  }
};

class NotJsonError extends Error {}

/** Keys JSON writes as they are (no quote, backslash or control character to escape). */
const PLAIN_KEY = /^[A-Za-z0-9_$.:@ -]*$/;

/** canonicalUpTo: every part of the value is canonical. */
const ALL = -1;
/** canonicalUpTo: the object itself is not (its keys out of order, or not a plain object). */
const SELF = -2;

/**
 * Whether JSON.stringify writes an object's or array's stored form as it is: plain objects whose
 * keys come in sorted order, arrays, finite numbers, strings, booleans, null (and undefined, which
 * both leave out of objects and write as null in arrays). ALL if so; SELF if the object itself is
 * not; otherwise the index of the first key (or item) whose value is not, so that the writer does
 * not walk again the parts before it. Anything not canonical takes the general writer, which sorts
 * or refuses. (`typeof x === '...'` tests compile to type checks; a switch on typeof called a
 * built-in for every value, a tenth of a rebuild's final commit.)
 */
const canonicalUpTo = (value: object): number => {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isCanonical(value[i])) return i;
    return ALL;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return SELF;
  // for...in walks V8's cached key list of the object's shape (the prototype, checked above, adds
  // none); Object.keys built an array for every object checked.
  let previous: string | undefined;
  let i = 0;
  let failed = ALL;
  for (const key in value) {
    if (previous !== undefined && !(previous < key)) return SELF;
    previous = key;
    if (failed === ALL && !isCanonical((value as Record<string, unknown>)[key])) failed = i;
    i++;
  }
  return failed;
};

const isCanonical = (value: unknown): boolean => {
  if (typeof value === 'object') return value === null || canonicalUpTo(value) === ALL;
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'undefined') return true;
  return typeof value === 'number' && Number.isFinite(value);
};

const write = (value: unknown): string => {
  if (typeof value === 'object') return value === null ? 'null' : writeObject(value, canonicalUpTo(value));
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NotJsonError(`${value} is not a JSON number`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'undefined') return 'null';
  throw new NotJsonError(`a ${typeof value}, which JSON cannot hold`);
};

/**
 * An object or array, given what canonicalUpTo found: a part already in canonical order (parsed
 * from its stored form, or built in sorted key order) is written by V8's own JSON.stringify, the
 * same bytes about three times faster.
 */
const writeObject = (value: object, canonical: number): string => {
  if (canonical === ALL) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + (i < canonical ? (JSON.stringify(value[i]) ?? 'null') : write(value[i]));
    return out + ']';
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new NotJsonError(`a ${proto?.constructor?.name ?? 'non-plain object'}; states hold plain objects and arrays`);
  const keys = Object.keys(value);
  if (canonical === SELF && keys.length > 1) keys.sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const inner = (value as Record<string, unknown>)[key];
    if (inner !== undefined) out += (out.length > 1 ? ',' : '') + (PLAIN_KEY.test(key) ? `"${key}"` : JSON.stringify(key)) + ':' + (i < canonical ? JSON.stringify(inner) : write(inner));
  }
  return out + '}';
};

const pathOfFirstNonJson = (value: unknown, path: string): string => {
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      const innerPath = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
      try {
        write(inner);
      } catch {
        return pathOfFirstNonJson(inner, innerPath);
      }
    }
  }
  return path;
};
