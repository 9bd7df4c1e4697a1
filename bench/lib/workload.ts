import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemo } from '@roc-ledger/demo';
import { uuidv7, type AnyVersionEventInput } from '@roc-ledger/events';

/**
 * `count` realistic events from the demo generator (so payload sizes are those of real
 * traffic), each addressed by customer id so that stream = customer.
 */
export const demoEvents = (count: number, seed = 'bench'): AnyVersionEventInput[] => {
  const out: AnyVersionEventInput[] = [];
  const customers = Math.max(50, Math.ceil(count / 45));
  for (const { event } of generateDemo({ customers, years: 3, seed })) {
    out.push(event);
    if (out.length === count) return out;
  }
  throw new Error(`the demo yielded only ${out.length} of ${count} events`);
};

/** The same events under fresh ids, so that a run appends rather than hits idempotency. */
export const freshIds = (events: readonly AnyVersionEventInput[]): AnyVersionEventInput[] =>
  events.map((e) => ({ ...e, eventId: uuidv7() }));

export const tempDir = (prefix: string) => {
  // On the project's own disk (bench/.data), where a ledger's data directory would be.
  const root = process.env.BENCH_TMP ?? join(import.meta.dirname, '..', '.data');
  mkdirSync(root, { recursive: true });
  const dir = mkdtempSync(join(root, `${prefix}-`));
  return { dir, file: (name: string) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
};

/** The fold every read benchmark applies: events per type and purchase value per customer. */
export const foldEvent = (state: { byType: Map<string, number>; value: Map<string, number> }, event: { type: string; customer: { value: string }; data: unknown }) => {
  state.byType.set(event.type, (state.byType.get(event.type) ?? 0) + 1);
  if (event.type === 'PurchaseMade') {
    const amount = (event.data as { amount: { minor: number } | number }).amount;
    const minor = typeof amount === 'number' ? Math.round(amount * 100) : amount.minor;
    state.value.set(event.customer.value, (state.value.get(event.customer.value) ?? 0) + minor);
  }
  return state;
};

export const emptyFold = () => ({ byType: new Map<string, number>(), value: new Map<string, number>() });

/**
 * W writers, each appending its share of the events one per call to 50 streams of its own and
 * awaiting each acknowledgement before the next: the seconds it took and every append's latency.
 */
export const appendFromWriters = async (
  store: { append(streamId: string, events: AnyVersionEventInput[]): Promise<unknown> },
  events: readonly AnyVersionEventInput[],
  writers: number,
): Promise<{ seconds: number; latencies: number[] }> => {
  const perWriter = Math.floor(events.length / writers);
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) {
        const t0 = performance.now();
        await store.append(`customer-w${w}-${i % 50}`, [events[w * perWriter + i]!]);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latencies };
};
