import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stateJson } from './stateJson.ts';

/** The stored form, spelled out independently: keys sorted as strings, undefined left out of objects. */
const reference = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : reference(v))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${reference((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
};

// Keys that exercise the orderings: integer-like ones (which objects list first), ones to escape, plain ones.
const key = fc.oneof(fc.constantFrom('a', 'b', 'at', 'effect', 'Z', '_', '9', '10', '0', '01', 'x y', 'quo"te', 'é', ''), fc.string({ maxLength: 4 }));
const leaf = fc.oneof(fc.string({ maxLength: 8 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(-0));
const { state } = fc.letrec((tie) => ({
  state: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(fc.oneof(tie('state'), fc.constant(undefined)), { maxLength: 5 }),
  object: fc.dictionary(key, fc.oneof(tie('state'), fc.constant(undefined)), { maxKeys: 6 }),
}));

describe('stateJson', () => {
  it('writes any JSON state with its keys sorted, whatever order they were set in', () => {
    fc.assert(fc.property(state, (value) => {
        expect(stateJson(value)).toBe(reference(value));
      }), { numRuns: 2000 });
  });

  it('writes a state built in key order and the same state built in another order to the same bytes', () => {
    const inOrder = { at: '2024-01-01', effect: -2, list: [{ a: 1, b: [2, 3] }], rule: 'r' };
    const shuffled = { rule: 'r', list: [{ b: [2, 3], a: 1 }], effect: -2, at: '2024-01-01', gone: undefined };
    expect(stateJson(shuffled)).toBe(stateJson(inOrder));
    expect(stateJson(inOrder)).toBe('{"at":"2024-01-01","effect":-2,"list":[{"a":1,"b":[2,3]}],"rule":"r"}');
  });

  it('refuses what JSON cannot round-trip, naming where', () => {
    expect(() => stateJson({ a: { b: [1, Number.NaN] } })).toThrow('state.a.b[1]: NaN is not a JSON number');
    expect(() => stateJson({ when: new Date(0) })).toThrow('state.when: a Date; states hold plain objects and arrays');
    expect(() => stateJson({ a: [() => 1] })).toThrow('state.a[0]: a function, which JSON cannot hold');
    expect(() => stateJson({ n: 1n })).toThrow('state.n: a bigint, which JSON cannot hold');
  });
});
