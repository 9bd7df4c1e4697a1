import { describe, expect, it } from 'vitest';
import { checkBusyShare, nextUpdateDelay } from './pacing.ts';

describe('pacing the series recomputations', () => {
  const pacing = { minIntervalMs: 2_000, maxBusyShare: 0.25 };

  it('starts the first at once', () => {
    expect(nextUpdateDelay(pacing, undefined, 1_000)).toBe(0);
  });

  it('keeps a cheap recomputation at least minIntervalMs from the one before', () => {
    // Took 100 ms at t=10,000: the busy share allows the next at 10,400, the interval only at 12,000.
    expect(nextUpdateDelay(pacing, { startedAt: 10_000, durationMs: 100 }, 10_100)).toBe(1_900);
    expect(nextUpdateDelay(pacing, { startedAt: 10_000, durationMs: 100 }, 13_000)).toBe(0);
  });

  it('rests three times as long as a costly one took, at a share of a quarter', () => {
    // Took 3 s: the next starts 12 s after its start, 9 s after it ended.
    expect(nextUpdateDelay(pacing, { startedAt: 10_000, durationMs: 3_000 }, 13_000)).toBe(9_000);
    expect(nextUpdateDelay({ minIntervalMs: 0, maxBusyShare: 1 }, { startedAt: 10_000, durationMs: 3_000 }, 13_000)).toBe(0);
  });

  it('refuses a share outside (0, 1]', () => {
    expect(checkBusyShare(0.5)).toBe(0.5);
    for (const bad of [0, -0.1, 1.5, Number.NaN]) expect(() => checkBusyShare(bad)).toThrow(/maxBusyShare must be above 0 and at most 1/);
  });
});
