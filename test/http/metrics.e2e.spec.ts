import { afterAll, describe, expect, it } from 'vitest';
import { cli, startService } from '../support/serviceProcess.ts';
import { tempDataDir } from '../support/tempLedger.ts';
import { byId, webEvent } from '../support/webEvents.ts';

/** The value of one sample line of the Prometheus text format. */
const sample = (text: string, line: string): number | undefined => {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
};

describe('GET /metrics', () => {
  const temp = tempDataDir();
  afterAll(() => temp.cleanup());

  it('counts ingestion by channel and outcome, refusals by code, and reports the head and each projection lag', async () => {
    const key = cli(temp.dir, ['keys', 'create', '--id', 'shop', '--scope', 'ingest:web', 'read']).stdout.trim();
    const service = await startService(temp.dir);
    try {
      const post = (body: unknown) => fetch(`${service.url}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const visit = webEvent(byId('M1'), 'InteractionRecorded', { kind: 'visit', initiatedBy: 'customer' });
      expect((await post(visit)).status).toBe(201);
      expect((await post(visit)).status).toBe(200); // an idempotent repeat
      expect((await post(webEvent(byId('M2'), 'InteractionRecorded', { kind: 'visit', initiatedBy: 'customer' }))).status).toBe(201);
      expect((await post({ ...webEvent(byId('M3'), 'InteractionRecorded', { kind: 'visit' }) })).status).toBe(400);

      const response = await fetch(`${service.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(sample(text, 'roc_ledger_ingested_events_total{channel="web",outcome="stored"}')).toBe(2);
      expect(sample(text, 'roc_ledger_ingested_events_total{channel="web",outcome="duplicate"}')).toBe(1);
      expect(sample(text, 'roc_ledger_rejected_events_total{channel="web",code="EVENTS_ERR_INVALID_EVENT"}')).toBe(1);
      expect(sample(text, 'roc_ledger_ingest_duration_seconds_count')).toBe(3);
      // Two customers registered, two visits: four events in the log.
      expect(sample(text, 'roc_ledger_log_head_position')).toBe(4);
      expect(sample(text, 'roc_ledger_projection_lag_events{projection="customer-view@3"}')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'roc_ledger_projection_failed{projection="trust-score@103"}')).toBe(0);
      expect(text).toMatch(/^roc_ledger_process_cpu_seconds_total /m);
      // Store latency: every durable append (the two stored visits, and the repeat acknowledged), and the projections' commits.
      expect(sample(text, 'roc_ledger_event_store_duration_seconds_count{operation="append"}')).toBe(3);
      expect(sample(text, 'roc_ledger_event_store_duration_seconds_bucket{le="+Inf",operation="append"}')).toBe(3);
      expect(sample(text, 'roc_ledger_read_model_duration_seconds_count{operation="commit"}')).toBeGreaterThan(0);
    } finally {
      expect(await service.stop()).toBe(0);
    }
  });
});
