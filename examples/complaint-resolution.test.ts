// Tests of the example projection, given/when/then, for Node's own test runner:
//   roc-ledger project test examples/complaint-resolution.test.ts
import { deepStrictEqual } from 'node:assert';
import { test } from 'node:test';
import { anEvent, given } from '@roc-ledger/projections/testing';
import complaintResolution from './complaint-resolution.ts';

const opened = (customer: string, complaintId: string, occurredAt: string, dueBy: string, channel: 'phone' | 'web' | 'store') =>
  anEvent('ComplaintOpened', customer, occurredAt, { complaintId, category: 'billing', severity: 'low', dueBy }, { channel });
const resolved = (customer: string, complaintId: string, occurredAt: string, channel: 'phone' | 'email' | 'store') =>
  anEvent('ComplaintResolved', customer, occurredAt, { complaintId, outcome: 'upheld' }, { channel });

test('given complaints opened, when they are resolved, the state is exactly this', async () => {
  await given(
    complaintResolution,
    opened('C1', 'K1', '2025-03-01T10:00:00Z', '2025-03-02T10:00:00Z', 'phone'),
    // Complaint ids are the channel's own: another customer's K1 is another complaint.
    opened('C2', 'K1', '2025-03-05T10:00:00Z', '2025-03-06T10:00:00Z', 'phone'),
  )
    .when(
      // Resolved by e-mail, counted for the channel it was made on, 12 hours later: on time.
      resolved('C1', 'K1', '2025-03-01T22:00:00Z', 'email'),
      // 48 hours later, a day after it was due: late.
      resolved('C2', 'K1', '2025-03-07T10:00:00Z', 'phone'),
      opened('C3', 'K9', '2025-04-01T10:00:00Z', '2025-04-03T10:00:00Z', 'web'),
    )
    .then('*', {
      open: { 'customer-C3/K9': { openedAt: '2025-04-01T10:00:00Z', channel: 'web', dueBy: '2025-04-03T10:00:00Z' } },
      buckets: { 'phone/2025-03': { resolved: 2, hours: 12 + 48, late: 1 } },
    });
});

test('a resolution of a complaint never opened counts nowhere', async () => {
  await given(complaintResolution, resolved('C1', 'K404', '2025-03-01T22:00:00Z', 'phone')).then('*', { open: {}, buckets: {} });
});

test('gives one row per channel and month', async () => {
  const rows = await given(complaintResolution, opened('C1', 'K1', '2025-05-01T10:00:00Z', '2025-05-02T10:00:00Z', 'store'), resolved('C1', 'K1', '2025-05-01T13:00:00Z', 'store')).query('*', 'rows', {
    at: new Date('2025-06-01T00:00:00Z'),
  });
  deepStrictEqual(rows, [{ channel: 'store', month: '2025-05', resolved: 1, meanHours: 3, lateShare: 0 }]);
});
