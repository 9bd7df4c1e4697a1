import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createContract, uuidv7, type EventInput } from '@roc-ledger/events';
import { verifyLog, WrongExpectedRevisionError } from '@roc-ledger/ledger';
import { getSqliteEventStore } from './getSqliteEventStore.ts';

const contract = createContract({ reportingCurrency: 'EUR' });
const event = (customer: string): EventInput =>
  contract.parse({ eventId: uuidv7(), type: 'InteractionRecorded', schemaVersion: 1, customer: { kind: 'customerId', value: customer }, channel: 'web', source: 'test', occurredAt: '2025-01-01T00:00:00Z', data: { kind: 'visit', initiatedBy: 'customer' } }) as EventInput;

describe('two stores on one file (two processes, as far as the file can tell)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roc-ledger-shared-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('extend one chain whatever the order of their groups: each group reads the head the other left', async () => {
    const path = join(dir, 'events.db');
    const a = getSqliteEventStore({ path, contract });
    const b = getSqliteEventStore({ path, contract });
    const positions: number[] = [];
    for (let round = 0; round < 5; round++) {
      // A group of several appends from one store, then one from the other, then both at once.
      const groupA = await Promise.all(['A1', 'A2', 'A1'].map((c) => a.append(`customer-${c}`, [event(c)])));
      const single = await b.append('customer-B1', [event('B1'), event('B1')]);
      const both = await Promise.all([a.append('customer-A3', [event('A3')]), b.append('customer-B2', [event('B2')])]);
      positions.push(...[...groupA, single, ...both].flatMap((r) => r.events.map((e) => e.globalPosition)));
    }
    expect([...positions].sort((x, y) => x - y)).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
    const verified = await verifyLog(a.readStoredRecords());
    expect(verified).toMatchObject({ ok: true, checked: 35 });
    await a.close();
    await b.close();
  });
  it("keep one stream's revisions right when the other store appended to it since (what each remembers of the log is dropped)", async () => {
    const path = join(dir, 'same-stream.db');
    const a = getSqliteEventStore({ path, contract });
    const b = getSqliteEventStore({ path, contract });
    expect((await a.append('customer-S', [event('S')])).events[0]!.streamRevision).toBe(0);
    expect((await b.append('customer-S', [event('S')])).events[0]!.streamRevision).toBe(1);
    // a last wrote revision 0; b's append since then moved the head, so a reads the stream again.
    const third = await a.append('customer-S', [event('S')], { expectedRevision: 1 });
    expect(third.events[0]).toMatchObject({ streamRevision: 2, globalPosition: 3 });
    await b.append('customer-S', [event('S')]);
    await expect(a.append('customer-S', [event('S')], { expectedRevision: 2 })).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect((await a.readStream('customer-S')).currentRevision).toBe(3);
    expect(await verifyLog(a.readStoredRecords())).toMatchObject({ ok: true, checked: 4 });
    await a.close();
    await b.close();
  });
});
