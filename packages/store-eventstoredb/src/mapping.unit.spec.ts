import { AccessDeniedError, MaxAppendSizeExceededError, StreamDeletedError, UnavailableError, WrongExpectedVersionError } from '@eventstore/db-client';
import { LedgerErrorCode, type StoredRecord } from '@roc-ledger/ledger';
import { describe, expect, it } from 'vitest';
import { isWrongExpectedVersion, mapDriverError } from './driverErrors.ts';
import { linkRead, LOG_EVENT_BODY, LOG_EVENT_HASH, logEventRead } from './fixtures/clientResults.ts';
import { deterministicUuid, expectedLogRevision, linkedRecordOf, storedRecordOf, streamNames, toLinkEvent, toLogEvent } from './mapping.ts';

const names = streamNames();
const record: StoredRecord = {
  globalPosition: 3,
  streamId: 'customer-C1',
  streamRevision: 1,
  eventId: '0197a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
  type: 'InteractionRecorded',
  recordedAt: '2025-06-01T00:00:00.000Z',
  body: LOG_EVENT_BODY,
  hash: LOG_EVENT_HASH,
};
const codeOf = (error: unknown) => (error as { code?: string }).code;
const corrupt = (read: () => unknown) => {
  try {
    read();
  } catch (error) {
    return codeOf(error);
  }
  return 'no error';
};

describe('log events', () => {
  it('writes the body as the JSON data, so the bytes the server keeps are the bytes the hash covers', () => {
    const event = toLogEvent(record);
    expect(event).toMatchObject({ id: record.eventId, type: 'InteractionRecorded', contentType: 'application/json' });
    expect(JSON.stringify(event.data)).toBe(LOG_EVENT_BODY);
    expect(event.metadata).toEqual({ hash: LOG_EVENT_HASH, $correlationId: 'corr-1' });
  });

  it('reads a log event back as the stored record it was written from', () => {
    expect(storedRecordOf(names, logEventRead, 'log')).toEqual(record);
  });

  it('maps the first position to no stream, and position p to revision p - 1', () => {
    expect(expectedLogRevision(0)).toBe('no_stream');
    expect(expectedLogRevision(3)).toBe(2n);
  });

  it('calls anything but the log event in its place corruption, saying where', () => {
    const moved = { ...logEventRead, event: { ...logEventRead.event!, revision: 7n } } as typeof logEventRead;
    const elsewhere = { ...logEventRead, event: { ...logEventRead.event!, streamId: 'orders' } } as typeof logEventRead;
    const unhashed = { ...logEventRead, event: { ...logEventRead.event!, metadata: {} } } as typeof logEventRead;
    for (const read of [moved, elsewhere, unhashed, { link: linkRead.link }]) {
      expect(corrupt(() => storedRecordOf(names, read, 'log'))).toBe(LedgerErrorCode.storeCorrupt);
    }
  });
});

describe('links', () => {
  it('links a stream revision to the log revision of its event, with an id that is the same every time', () => {
    const link = toLinkEvent(names, 'customer-C1', 1, 3);
    expect(link.type).toBe('$>');
    expect(new TextDecoder().decode(link.data as Uint8Array)).toBe('2@_roc-ledger-log');
    expect(link.id).toBe(toLinkEvent(names, 'customer-C1', 1, 3).id);
    expect(link.id).not.toBe(toLinkEvent(names, 'customer-C1', 2, 4).id);
    expect(link.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicUuid('x')).toBe(deterministicUuid('x'));
  });

  it('reads a resolved link as its log record, and refuses a link at the wrong revision or a plain event', () => {
    expect(linkedRecordOf(names, linkRead, 'customer-C1')).toEqual(record);
    const wrongRevision = { ...linkRead, link: { ...linkRead.link!, revision: 0n } } as typeof linkRead;
    expect(corrupt(() => linkedRecordOf(names, wrongRevision, 'customer-C1'))).toBe(LedgerErrorCode.storeCorrupt);
    expect(corrupt(() => linkedRecordOf(names, logEventRead, 'customer-C1'))).toBe(LedgerErrorCode.storeCorrupt);
  });

  it('keeps a namespaced ledger in its own streams', () => {
    const tenant = streamNames('t1');
    expect(tenant.log).toBe('_roc-ledger-log.t1');
    expect(tenant.of('customer-C1')).toBe('t1.customer-C1');
    expect(new TextDecoder().decode(toLinkEvent(tenant, 'customer-C1', 0, 1).data as Uint8Array)).toBe('0@_roc-ledger-log.t1');
  });
});

describe('driver errors', () => {
  it('maps each kind of driver error to the ledger code callers handle', () => {
    const unavailable = mapDriverError(new UnavailableError(undefined, 'connection refused'), 'appending to the log');
    expect(codeOf(unavailable)).toBe(LedgerErrorCode.storeUnavailable);
    expect((unavailable as { retriable: boolean }).retriable).toBe(true);
    expect((unavailable as Error).message).toContain('appending to the log');
    expect(codeOf(mapDriverError(new StreamDeletedError(undefined, '_roc-ledger-log'), 'reading'))).toBe(LedgerErrorCode.storeCorrupt);
    expect(codeOf(mapDriverError(new AccessDeniedError(), 'reading'))).toBe(LedgerErrorCode.configMismatch);
    expect(codeOf(mapDriverError(new MaxAppendSizeExceededError(undefined, 1_048_576), 'appending'))).toBe(LedgerErrorCode.invalidArgument);
  });

  it('recognises a wrong expected version, and lets errors that are not the driver\'s through unchanged', () => {
    expect(isWrongExpectedVersion(new WrongExpectedVersionError(undefined, { streamName: 's', expected: 1n, current: 2n }))).toBe(true);
    expect(isWrongExpectedVersion(new UnavailableError())).toBe(false);
    const bug = new TypeError('x is undefined');
    expect(mapDriverError(bug, 'reading')).toBe(bug);
  });
});
