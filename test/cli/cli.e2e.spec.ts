import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interaction, purchase } from '@roc-ledger/ledger/testing';
import { tamper, tempDataDir } from '../support/tempLedger.ts';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'roc-ledger.js');

const cli = (dataDir: string, args: string[], input?: string) => {
  const result = spawnSync(process.execPath, [bin, '--data-dir', dataDir, ...args], { encoding: 'utf8', input, env: { ...process.env, ROC_LEDGER_DATA_DIR: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
};

describe('roc-ledger CLI', () => {
  const temp = tempDataDir();
  const file = join(temp.dir, 'events.ndjson');
  const good = [interaction('C1'), purchase('C1', 2500), interaction('C2')];
  const linked = { ...interaction('C2'), type: 'IdentifierLinked', data: { identifier: { kind: 'email', value: 'c2@example.com' }, verified: true } };
  const byEmail = { ...interaction('C2'), customer: { kind: 'email', value: 'c2@example.com' } };
  const lines = [
    JSON.stringify(good[0]),
    '{"eventId": oops',
    JSON.stringify({ ...interaction('C1'), channel: 'fax' }),
    JSON.stringify(good[1]),
    JSON.stringify(purchase('C1', 100, 'USD')),
    '',
    JSON.stringify({ ...interaction('C1'), recordedAt: '2020-01-01T00:00:00Z' }),
    JSON.stringify({ ...interaction('C9'), customer: { kind: 'phone', value: 'anonymous' } }),
    JSON.stringify(good[2]),
    JSON.stringify(linked),
    JSON.stringify(byEmail),
  ];
  let firstImport: ReturnType<typeof cli>;

  beforeAll(() => {
    writeFileSync(file, `${lines.join('\n')}\n`);
    firstImport = cli(temp.dir, ['import', file]);
  });
  afterAll(() => temp.cleanup());

  it('imports the good lines, reports each bad line with its number and reason, and exits 3', () => {
    expect(firstImport.code).toBe(3);
    // C1 and C2 are new customer ids: each gets a CustomerRegistered recorded with its first event.
    expect(firstImport.stdout).toContain('read 11 line(s): 5 appended, 0 already stored, 5 rejected, 1 blank; 2 identity event(s) recorded');
    const reported = firstImport.stderr.trim().split('\n');
    expect(reported.map((l) => l.split(':')[0])).toEqual(['line 2', 'line 3 (event ' + JSON.parse(lines[2]!).eventId + ')', expect.stringMatching(/^line 5/), expect.stringMatching(/^line 7/), expect.stringMatching(/^line 8/)]);
    expect(reported[0]).toContain('IMPORT_ERR_NOT_JSON');
    expect(reported[1]).toContain('EVENTS_ERR_INVALID_EVENT: channel:');
    expect(reported[2]).toContain('EVENTS_ERR_CURRENCY_NOT_REPORTING: data.amount.currency');
    expect(reported[3]).toContain('EVENTS_ERR_LEDGER_FIELD_SET: recordedAt');
    expect(reported[4]).toContain('IDENTITY_ERR_JUNK_IDENTIFIER: customer.value:');
  });

  it('stores each event once when the same file is imported again', () => {
    const again = cli(temp.dir, ['import', file, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ appended: 0, duplicates: 5, rejected: 5 });
  });

  it('reads NDJSON from standard input', () => {
    const result = cli(temp.dir, ['import', '-'], `${JSON.stringify(interaction('C3'))}\n`);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 appended');
  });

  it("prints a customer's history, routed by identifier too, cut by valid and transaction time", () => {
    const history = cli(temp.dir, ['history', 'C2', '--json']);
    expect(history.code).toBe(0);
    const events = JSON.parse(history.stdout);
    expect(events.map((e: { type: string }) => e.type)).toEqual(['CustomerRegistered', 'InteractionRecorded', 'IdentifierLinked', 'InteractionRecorded']);
    expect(events.slice(1).map((e: { eventId: string }) => e.eventId)).toEqual([good[2]!.eventId, linked.eventId, byEmail.eventId]);
    expect(JSON.parse(cli(temp.dir, ['history', 'email:C2@Example.com', '--json']).stdout)).toHaveLength(4);
    expect(JSON.parse(cli(temp.dir, ['history', 'C2', '--json', '--as-of', events[2].occurredAt]).stdout)).toHaveLength(3);
    expect(JSON.parse(cli(temp.dir, ['history', 'C2', '--json', '--known-at', '2020-01-01']).stdout)).toHaveLength(0);
    const table = cli(temp.dir, ['history', 'C1']);
    expect(table.stdout).toMatch(/PurchaseMade\s+o-\d+ 25\.00 EUR/);
  });

  it('exits 6 for an unknown customer and 2 for a bad date', () => {
    expect(cli(temp.dir, ['history', 'C404']).code).toBe(6);
    const badDate = cli(temp.dir, ['history', 'C1', '--as-of', 'yesterday']);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('CLI_ERR_INVALID_DATE');
  });

  it('verifies, prints a digest, and later proves the log still contains it', () => {
    expect(cli(temp.dir, ['verify']).stdout).toMatch(/^verify: OK, 9 event\(s\)/);
    const digestFile = join(temp.dir, 'digest.json');
    writeFileSync(digestFile, cli(temp.dir, ['digest']).stdout);
    const short = cli(temp.dir, ['digest', '--short']).stdout.trim();
    expect(short).toMatch(/^9:[0-9a-f]{64}$/);
    cli(temp.dir, ['import', '-'], `${JSON.stringify(interaction('C4'))}\n`);
    expect(cli(temp.dir, ['verify', '--against', digestFile]).code).toBe(0);
    expect(cli(temp.dir, ['verify', '--against', short]).code).toBe(0);
    expect(cli(temp.dir, ['verify', '--against', 'not-a-digest']).code).toBe(2);
  });

  it('exits 4 and names the first bad position when the database file was altered', () => {
    const purchaseAt = JSON.parse(cli(temp.dir, ['history', 'C1', '--json']).stdout).find((e: { type: string }) => e.type === 'PurchaseMade').globalPosition;
    tamper(join(temp.dir, 'events.db'), "UPDATE events SET body = replace(body, '2500', '9500') WHERE type = 'PurchaseMade'");
    const result = cli(temp.dir, ['verify']);
    expect(result.code).toBe(4);
    expect(result.stdout).toContain(`verify: FAILED at position ${purchaseAt} (hash-mismatch)`);
  });

  it('generates the same demo bytes for the same seed', () => {
    const a = cli(temp.dir, ['demo', 'generate', '--customers', '20', '--years', '1', '--seed', 's']);
    const b = cli(temp.dir, ['demo', 'generate', '--customers', '20', '--years', '1', '--seed', 's']);
    expect(a.code).toBe(0);
    expect(a.stdout.length).toBeGreaterThan(1000);
    expect(a.stdout).toBe(b.stdout);
  });

  it('loads a demo into a ledger reporting in another currency, every amount in it; generates one in a currency asked for', () => {
    const yen = tempDataDir();
    try {
      const result = spawnSync(process.execPath, [bin, '--data-dir', yen.dir, 'demo', 'load', '--customers', '30', '--years', '1', '--seed', 'yen'], { encoding: 'utf8', env: { ...process.env, ROC_LEDGER_DATA_DIR: '', ROC_LEDGER_REPORTING_CURRENCY: 'JPY' } });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/appended, 0 already stored, 0 rejected/);
    } finally {
      yen.cleanup();
    }
    const generated = cli(temp.dir, ['demo', 'generate', '--customers', '20', '--years', '1', '--seed', 's', '--currency', 'JPY']).stdout.trim().split('\n').map((line) => JSON.parse(line));
    const currencies = new Set(generated.flatMap((e) => [e.data.currency, e.data.amount?.currency, e.data.cost?.currency]).filter(Boolean));
    expect(currencies).toEqual(new Set(['JPY']));
  });

  it('exits 2 on a usage error', () => {
    expect(cli(temp.dir, ['demo', 'generate', '--customers', '-1']).code).toBe(2);
    expect(cli(temp.dir, ['demo', 'generate', '--currency', 'euros']).code).toBe(2);
    expect(cli(temp.dir, ['frobnicate']).code).toBe(2);
  });

  it('refuses to open a ledger under another reporting currency', () => {
    writeFileSync(join(temp.dir, 'ledger.json'), '{"reportingCurrency":"USD"}');
    const result = cli(temp.dir, ['digest']);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('LEDGER_ERR_CONFIG_MISMATCH');
  });
});

describe('a data directory with no ledger', () => {
  const temp = tempDataDir();
  afterAll(() => temp.cleanup());

  it('is refused by the commands that read a ledger, and nothing is created there; import creates one', () => {
    const missing = join(temp.dir, 'mistyped');
    for (const args of [['history', 'C0000007'], ['summary'], ['verify'], ['roc'], ['project', 'status'], ['access-log', 'list'], ['backup', '--out', join(temp.dir, 'backup')]]) {
      const result = cli(missing, args);
      expect(result.code, args.join(' ')).toBe(5);
      expect(result.stderr).toContain(`CLI_ERR_NO_LEDGER: no ledger in ${missing}`);
    }
    expect(existsSync(missing)).toBe(false);
    expect(cli(missing, ['import', '-'], JSON.stringify(interaction('C1'))).code).toBe(0);
    expect(cli(missing, ['summary']).stdout).toMatch(/^[1-9]\d* events of 1 customers/);
  });
});

describe('identity settings in ledger.json', () => {
  const temp = tempDataDir();
  afterAll(() => temp.cleanup());

  it('applies the configured normalisation, and refuses a section it cannot use', () => {
    writeFileSync(join(temp.dir, 'ledger.json'), JSON.stringify({ reportingCurrency: 'EUR', identity: { emailStripPlusTags: true } }));
    const events = [
      { ...interaction('x'), customer: { kind: 'email', value: 'ana+shop@example.com' } },
      { ...interaction('x'), customer: { kind: 'email', value: 'Ana@example.com' } },
    ];
    expect(cli(temp.dir, ['import', '-'], events.map((e) => JSON.stringify(e)).join('\n')).code).toBe(0);
    expect(JSON.parse(cli(temp.dir, ['history', 'email:ana@example.com', '--json']).stdout).filter((e: { type: string }) => e.type === 'InteractionRecorded')).toHaveLength(2);

    writeFileSync(join(temp.dir, 'ledger.json'), JSON.stringify({ reportingCurrency: 'EUR', identity: { defaultPhoneCountry: 'Germany' } }));
    const refused = cli(temp.dir, ['summary']);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain('CLI_ERR_INVALID_CONFIG');
    expect(refused.stderr).toContain('defaultPhoneCountry');
  });
});
