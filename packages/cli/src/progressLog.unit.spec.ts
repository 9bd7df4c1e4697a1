import { describe, expect, it } from 'vitest';
import { progressLog, type ProgressLine } from './progressLog.ts';

describe('progressLog', () => {
  it('writes nothing for the first interval, then a line an interval, rounded; nothing once caught up', () => {
    let clock = 1_000;
    const lines: ProgressLine[] = [];
    const report = progressLog((line) => lines.push(line), 5000, () => clock);
    const at = (position: number, caughtUp = false) => report({ position, head: 1_000_000, eventsPerSecond: position / ((clock - 1_000) / 1000 || 1) + 0.4, etaSeconds: position === 1 ? 7089.2 : 12.6, caughtUp });
    at(1); // the first report: its rate is noise
    clock += 4_999;
    at(400_000);
    expect(lines).toEqual([]);
    clock += 1;
    at(500_000);
    expect(lines).toEqual([{ position: 500_000, head: 1_000_000, eventsPerSecond: 100_000, etaSeconds: 13 }]);
    clock += 1_000;
    at(600_000);
    clock += 10_000;
    at(1_000_000, true);
    expect(lines).toHaveLength(1);
    at(900_000);
    expect(lines.at(-1)).toMatchObject({ position: 900_000 });
  });
});
