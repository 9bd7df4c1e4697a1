import { createContract } from '@roc-ledger/events';
import { LedgerErrorCode, validateAppend } from '@roc-ledger/ledger';
import { interaction } from '@roc-ledger/ledger/testing';
import { describe, expect, it } from 'vitest';
import { decideGroup, type Decision, type QueuedAppend } from './decideGroup.ts';
import { LogIndex } from './logIndex.ts';

const contract = createContract({ reportingCurrency: 'EUR' });
const now = new Date('2025-06-01T00:00:00.000Z');
const queued = (streamId: string, count: number, expected: QueuedAppend['expected'] = 'any'): QueuedAppend => ({
  streamId,
  events: validateAppend(contract, Array.from({ length: count }, () => interaction(streamId))),
  expected,
});
const codeOf = (decision: Decision) => ('error' in decision ? (decision.error as { code?: string }).code : 'accepted');

describe('deciding a group of appends', () => {
  it('decides each append after the ones before it in the group, refusing only those that fail', () => {
    const group = decideGroup(new LogIndex(), new Map(), [queued('s-a', 2, 'no_stream'), queued('s-a', 1, 1), queued('s-a', 1, 'no_stream'), queued('s-b', 1)], now, 1 << 20);
    expect(group.decisions.map(codeOf)).toEqual(['accepted', 'accepted', LedgerErrorCode.wrongExpectedRevision, 'accepted']);
    expect(group.records.map((r) => [r.globalPosition, r.streamId, r.streamRevision])).toEqual([
      [1, 's-a', 0],
      [2, 's-a', 1],
      [3, 's-a', 2],
      [4, 's-b', 0],
    ]);
    expect(group.records.slice(1).every((r, i) => r.hash !== group.records[i]!.hash)).toBe(true);
  });

  it('acknowledges an event repeated later in the same group at the position the group gives it', () => {
    const first = queued('s-c', 1);
    const group = decideGroup(new LogIndex(), new Map(), [first, { ...first }], now, 1 << 20);
    expect(group.records).toHaveLength(1);
    const second = group.decisions[1]!;
    expect('result' in second && second.result.events[0]).toMatchObject({ duplicate: true, globalPosition: 1 });
  });

  it('follows the log the index has read, and leaves for the next group what would pass the byte budget', () => {
    const index = new LogIndex();
    const earlier = decideGroup(index, new Map(), [queued('s-d', 1)], now, 1 << 20);
    index.apply(earlier.records);
    const appends = [queued('s-d', 3), queued('s-e', 3), queued('s-f', 3)];
    const oneAppend = decideGroup(new LogIndex(), new Map(), [appends[0]!], now, 1 << 20);
    const budget = oneAppend.records.reduce((sum, r) => sum + r.body.length + 200, 0) + 10;
    const group = decideGroup(index, new Map(), appends, now, budget);
    expect(group.decisions).toHaveLength(1);
    expect(group.records.map((r) => [r.globalPosition, r.streamRevision])).toEqual([[2, 1], [3, 2], [4, 3]]);
    expect(decideGroup(index, new Map(), appends, now, 1).decisions).toHaveLength(1);
  });
});
