import { describe, expect, it } from 'vitest';
import type { EventInput } from '@roc-ledger/events';
import { given } from '@roc-ledger/projections/testing';
import complaintResolution from './complaint-resolution.ts';

let n = 0;
const event = (type: string, customer: string, channel: string, occurredAt: string, data: unknown): EventInput =>
  ({ eventId: `0195${String(++n).padStart(4, '0')}-0000-7000-8000-000000000000`, type, schemaVersion: 1, customer: { kind: 'customerId', value: customer }, channel, source: 'test', occurredAt, data }) as EventInput;

describe('complaint resolution per channel and month (the docs/projections.md example)', () => {
  it('given complaints opened, when they are resolved, the state is exactly this', async () => {
    await given(
      complaintResolution,
      event('ComplaintOpened', 'C1', 'phone', '2025-03-01T10:00:00Z', { complaintId: 'K1', category: 'billing', severity: 'low', dueBy: '2025-03-02T10:00:00Z' }),
      event('ComplaintOpened', 'C2', 'phone', '2025-03-05T10:00:00Z', { complaintId: 'K1', category: 'delivery', severity: 'high', dueBy: '2025-03-06T10:00:00Z' }),
    )
      .when(
        event('ComplaintResolved', 'C1', 'email', '2025-03-01T22:00:00Z', { complaintId: 'K1', outcome: 'upheld' }),
        event('ComplaintResolved', 'C2', 'phone', '2025-03-07T10:00:00Z', { complaintId: 'K1', outcome: 'rejected' }),
        event('ComplaintOpened', 'C3', 'web', '2025-04-01T10:00:00Z', { complaintId: 'K9', category: 'x', severity: 'low', dueBy: '2025-04-03T10:00:00Z' }),
      )
      .then('*', {
        open: { 'customer-C3/K9': { openedAt: '2025-04-01T10:00:00Z', channel: 'web', dueBy: '2025-04-03T10:00:00Z' } },
        buckets: { 'phone/2025-03': { resolved: 2, hours: 12 + 48, late: 1 } },
      });
  });

  it('gives one row per channel and month', async () => {
    const rows = await given(
      complaintResolution,
      event('ComplaintOpened', 'C1', 'store', '2025-05-01T10:00:00Z', { complaintId: 'K1', category: 'x', severity: 'low', dueBy: '2025-05-02T10:00:00Z' }),
      event('ComplaintResolved', 'C1', 'store', '2025-05-01T13:00:00Z', { complaintId: 'K1', outcome: 'upheld' }),
    ).query('*', 'rows', { at: new Date('2025-06-01T00:00:00Z') });
    expect(rows).toEqual([{ channel: 'store', month: '2025-05', resolved: 1, meanHours: 3, lateShare: 0 }]);
  });
});
