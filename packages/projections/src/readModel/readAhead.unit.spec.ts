import { describe, expect, it } from 'vitest';
import { readAhead } from './readAhead.ts';

/** 0..n-1, recording how many were read. */
const counting = (n: number) => {
  const read = { count: 0 };
  function* items() {
    for (let i = 0; i < n; i++) {
      read.count++;
      yield i;
    }
  }
  return { read, items: items() };
};

describe('readAhead', () => {
  it('gives every item once, in order, whether read ahead or not', () => {
    const { read, items } = counting(100);
    const ahead = readAhead(items);
    expect(ahead.readFor(0)).toBe(true); // one batch read, more left
    const early = read.count;
    expect(early).toBeGreaterThan(0);
    expect(early).toBeLessThan(100);
    expect([...ahead]).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(read.count).toBe(100);
  });

  it('says when everything has been read, and reads nothing before it is asked to', () => {
    const { read, items } = counting(10);
    const ahead = readAhead(items);
    expect(read.count).toBe(0);
    expect(ahead.readFor(1000)).toBe(false);
    expect(read.count).toBe(10);
    expect(ahead.readFor(1000)).toBe(false);
    expect([...ahead]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('passes on an error of the items when it is read, ahead or not', () => {
    function* failing() {
      yield 1;
      throw new Error('state 2: NaN is not a JSON number');
    }
    expect(() => readAhead(failing()).readFor(1000)).toThrow('state 2');
    expect(() => [...readAhead(failing())]).toThrow('state 2');
  });
});
