import { describe, expect, it } from 'vitest';
import { inKeyOrder, withKey } from './keyOrder.ts';

describe('keeping the view in key order', () => {
  it('sets a key in place when it is there, and puts a new one in its sorted place', () => {
    const record: Record<string, number> = { app: 1, web: 2 };
    expect(withKey(record, 'web', 3)).toBe(record);
    expect(record).toEqual({ app: 1, web: 3 });
    for (const [key, order] of [['phone', ['app', 'phone', 'web']], ['aaa', ['aaa', 'app', 'web']], ['zzz', ['app', 'web', 'zzz']]] as const) {
      const next = withKey(record, key, 9);
      expect(Object.keys(next)).toEqual(order);
      expect(next[key]).toBe(9);
    }
    expect(Object.keys(withKey({}, 'x', 1))).toEqual(['x']);
  });

  it('copies data with every object’s keys sorted, arrays kept in order', () => {
    const data = { line1: 'a', city: 'b', nested: [{ z: 1, a: 2 }], country: 'c' };
    const sorted = inKeyOrder(data);
    expect(JSON.stringify(sorted)).toBe('{"city":"b","country":"c","line1":"a","nested":[{"a":2,"z":1}]}');
    expect(sorted.nested[0]).not.toBe(data.nested[0]);
  });
});
