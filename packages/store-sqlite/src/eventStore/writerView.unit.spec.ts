import { describe, expect, it } from 'vitest';
import type { LogHead, StoredRecord } from '@roc-ledger/ledger';
import { WriterView } from './writerView.ts';

/** A log as SQLite would answer it, counting the questions asked. */
const fakeLog = () => {
  const log = { head: { position: 0, hash: 'h0', recordedAt: null } as LogHead, revisions: new Map<string, number>(), headReads: 0, revisionReads: 0 };
  const view = new WriterView(
    () => (log.headReads++, log.head),
    (id) => (log.revisionReads++, log.revisions.get(id) ?? -1),
  );
  return { log, view };
};
const record = (streamId: string, streamRevision: number, globalPosition: number): StoredRecord => ({ streamId, streamRevision, globalPosition, hash: `h${globalPosition}`, recordedAt: '2025-01-01T00:00:00.000Z', eventId: `e${globalPosition}`, type: 'T', body: '{}' });

describe("the writing connection's view of the log", () => {
  it('reads the head once per transaction and moves it along its own inserts', () => {
    const { log, view } = fakeLog();
    view.begin();
    expect(view.headNow().position).toBe(0);
    view.inserted([record('s', 0, 1), record('s', 1, 2)]);
    expect(view.headNow()).toEqual({ position: 2, hash: 'h2', recordedAt: '2025-01-01T00:00:00.000Z' });
    expect(view.revisionOf('s')).toBe(1);
    expect(log.headReads).toBe(1);
    expect(log.revisionReads).toBe(0);
  });

  it('remembers revisions across transactions while nobody else writes, and forgets them once someone has', () => {
    const { log, view } = fakeLog();
    view.begin();
    expect(view.revisionOf('t')).toBe(-1);
    view.inserted([record('s', 0, 1)]);
    view.committed();
    log.head = { position: 1, hash: 'h1', recordedAt: null };
    view.begin();
    expect([view.revisionOf('s'), view.revisionOf('t')]).toEqual([0, -1]);
    expect(log.revisionReads).toBe(1);
    view.committed();
    // Another process appends to s and t.
    log.head = { position: 3, hash: 'h3', recordedAt: null };
    log.revisions.set('s', 1).set('t', 0);
    view.begin();
    expect([view.revisionOf('s'), view.revisionOf('t')]).toEqual([1, 0]);
    expect(log.revisionReads).toBe(3);
  });

  it('drops what a rolled-back transaction wrote', () => {
    const { log, view } = fakeLog();
    view.begin();
    view.inserted([record('s', 0, 1)]);
    view.rolledBack();
    view.begin();
    expect(view.headNow().position).toBe(0);
    expect(view.revisionOf('s')).toBe(-1);
    expect(log.revisionReads).toBe(1);
  });
});
