import { describe, expect, it } from 'vitest';
import { differingLeaves, differingPaths } from './diff.ts';

describe('differingLeaves', () => {
  it('names each differing leaf with both values, walking objects in key order and treating arrays as leaves', () => {
    const a = { refunds: 1, net: { EUR: 100, JPY: 5 }, tags: ['x'], first: { at: 't1' } };
    const b = { refunds: 2, net: { EUR: 100 }, tags: ['x', 'y'], first: { at: 't1' }, added: true };
    expect(differingLeaves(a, b)).toEqual([
      { path: 'added', a: undefined, b: true },
      { path: 'net.JPY', a: 5, b: undefined },
      { path: 'refunds', a: 1, b: 2 },
      { path: 'tags', a: ['x'], b: ['x', 'y'] },
    ]);
    expect(differingPaths(a, b, '')).toEqual(['added', 'net.JPY', 'refunds', 'tags']);
  });

  it('finds nothing in equal values, and the root when the values are not both objects', () => {
    expect(differingLeaves({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
    expect(differingLeaves(3, [3])).toEqual([{ path: '(root)', a: 3, b: [3] }]);
  });
});
