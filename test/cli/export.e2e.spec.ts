import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WITHHELD_VALUE } from '@roc-ledger/events';
import { NO_PERSONAL_DATA, type RecordedEvent } from '@roc-ledger/ledger';
import { cli } from '../support/serviceProcess.ts';
import { openStore, tempDataDir } from '../support/tempLedger.ts';

const temp = tempDataDir();
const lines = (text: string) => text.trim().split('\n').map((line) => JSON.parse(line) as RecordedEvent);
/** Every stored event of these types (all without), in log order, as the store gives them. */
const stored = async (types?: string[]): Promise<RecordedEvent[]> => {
  const store = openStore(temp.dbPath);
  const events: RecordedEvent[] = [];
  for await (const event of store.readAll({ ...(types ? { types } : {}), openPersonalData: NO_PERSONAL_DATA })) events.push(event);
  await store.close();
  return events;
};

beforeAll(() => {
  const load = cli(temp.dir, ['demo', 'load', '--customers', '40', '--years', '1', '--seed', 'export']);
  expect(load.status, load.stderr).toBe(0);
}, 60_000);
afterAll(() => temp.cleanup());

describe('roc-ledger export', () => {
  it('writes every event in log order, as readers see it, with no personal value, to a file only its owner can read', async () => {
    const out = join(temp.dir, 'all.ndjson');
    const run = cli(temp.dir, ['export', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const exported = lines(readFileSync(out, 'utf8'));
    const all = await stored();
    expect(exported.map((e) => e.globalPosition)).toEqual(all.map((e) => e.globalPosition));
    expect(exported.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
    expect(run.stderr).toContain(`export: ${all.length} event(s), of positions 1..${all.length}, personal values withheld`);
    if (process.platform !== 'win32') expect(statSync(out).mode & 0o777).toBe(0o600);

    // Identifiers and profiles are there, their values withheld; the values a customer's history opens appear nowhere.
    const links = exported.filter((e) => e.type === 'IdentifierLinked');
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect((link.data as { identifier: { value: string } }).identifier.value).toBe(WITHHELD_VALUE);
    const customer = links[0]!.streamId.slice('customer-'.length);
    const history = cli(temp.dir, ['history', customer, '--json']);
    const opened = (JSON.parse(history.stdout) as RecordedEvent[]).filter((e) => e.type === 'IdentifierLinked').map((e) => (e.data as { identifier: { value: string } }).identifier.value);
    expect(opened.length).toBeGreaterThan(0);
    const text = readFileSync(out, 'utf8');
    for (const value of opened) {
      expect(value).not.toBe(WITHHELD_VALUE);
      expect(text).not.toContain(value);
    }
    // Upcast: the demo's legacy tills sent PurchaseMade v1 (decimal amounts); readers see v2.
    const purchases = exported.filter((e) => e.type === 'PurchaseMade');
    expect(purchases.length).toBeGreaterThan(0);
    expect(purchases.every((e) => e.schemaVersion === 2 && Number.isInteger((e.data as { amount: { minor: number } }).amount.minor))).toBe(true);
  });

  it('keeps the types asked for and the events in the cut, to standard output', async () => {
    const knownAt = '2023-06-30';
    const run = cli(temp.dir, ['export', '--types', 'PurchaseMade, RefundIssued', '--as-of', '2023-06-15', '--known-at', knownAt]);
    expect(run.status, run.stderr).toBe(0);
    const expected = (await stored(['PurchaseMade', 'RefundIssued'])).filter(
      (e) => Date.parse(e.occurredAt) <= Date.parse('2023-06-15T23:59:59.999Z') && Date.parse(e.recordedAt) <= Date.parse(`${knownAt}T23:59:59.999Z`),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(lines(run.stdout).map((e) => e.eventId)).toEqual(expected.map((e) => e.eventId));
    expect(run.stderr).toContain(`export: ${expected.length} event(s) of PurchaseMade, RefundIssued, occurred by 2023-06-15T23:59:59.999Z, recorded by 2023-06-30T23:59:59.999Z`);
  });

  it('refuses a type the catalogue does not have, naming it, and writes nothing', () => {
    const out = join(temp.dir, 'none.ndjson');
    const run = cli(temp.dir, ['export', '--types', 'PurchaseMade,Purchase', '--out', out]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('CLI_ERR_UNKNOWN_EVENT_TYPE');
    expect(run.stderr).toContain('no event type Purchase in the catalogue');
    expect(existsSync(out)).toBe(false);
  });
});
