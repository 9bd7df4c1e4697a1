import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventStoreKind } from '../../packages/cli/src/openEventStore.ts';
import { cli } from '../support/serviceProcess.ts';
import { tempDataDir } from '../support/tempLedger.ts';

describe('choosing the event store', () => {
  it('takes the embedded store unless ROC_LEDGER_EVENT_STORE_URL names EventStoreDB or KurrentDB', () => {
    expect(eventStoreKind({})).toBe('sqlite');
    expect(eventStoreKind({ ROC_LEDGER_EVENT_STORE_URL: 'esdb://localhost:2113?tls=false' })).toBe('eventstoredb');
    expect(eventStoreKind({ ROC_LEDGER_EVENT_STORE_URL: 'kurrentdb+discover://a:2113,b:2113' })).toBe('eventstoredb');
    expect(() => eventStoreKind({ ROC_LEDGER_EVENT_STORE_URL: 'postgres://localhost/ledger' })).toThrow(
      expect.objectContaining({ code: 'CLI_ERR_INVALID_CONFIG' }),
    );
  });

  it('sends every command to EventStoreDB when the URL is set, and says so when the server cannot be reached', () => {
    const temp = tempDataDir();
    // Port 1 refuses connections: the real client's error comes back as the ledger's retriable code.
    const result = cli(temp.dir, ['verify'], { ROC_LEDGER_EVENT_STORE_URL: 'esdb://127.0.0.1:1?tls=false' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('LEDGER_ERR_STORE_UNAVAILABLE');
    expect(result.stderr).toContain('EventStoreDB');
    expect(existsSync(join(temp.dir, 'events.db'))).toBe(false);
    temp.cleanup();
  });

  it('refuses a file backup of an EventStoreDB ledger, pointing to its own tools', () => {
    const temp = tempDataDir();
    const result = cli(temp.dir, ['backup', '--out', join(temp.dir, 'copy')], { ROC_LEDGER_EVENT_STORE_URL: 'esdb://127.0.0.1:1?tls=false' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('CLI_ERR_INVALID_CONFIG');
    temp.cleanup();
  });
});
