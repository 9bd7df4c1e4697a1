import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createContract, type CustomerRef, type EventInput } from '@roc-ledger/events';
import { IdentityResolver } from '@roc-ledger/identity';
import { Ingestor, resolverFor } from '@roc-ledger/ingest';
import { getInMemoryEventStore, type EventStore } from '@roc-ledger/ledger';
import { interaction } from '@roc-ledger/ledger/testing';
import { createPersonalDataGuard, eraseCustomer, getFileKeyStore } from '@roc-ledger/privacy';
import { tempDataDir } from '../support/tempLedger.ts';

const contract = createContract({ reportingCurrency: 'EUR' });
const temp = tempDataDir();
afterAll(() => temp.cleanup());

const EMAILS = ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com', 'e@example.com'];
const byEmail = (i: number): CustomerRef => ({ kind: 'email', value: EMAILS[i]! });
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);

/** What the log holds: contacts and links with valid times out of order (late arrivals), and erasures. */
const operation = fc.oneof(
  fc.record({ op: fc.constant('contact' as const), who: fc.nat(EMAILS.length - 1), day: fc.nat(60) }),
  fc.record({ op: fc.constant('link' as const), who: fc.nat(EMAILS.length - 1), other: fc.nat(EMAILS.length - 1), day: fc.nat(60) }),
  fc.record({ op: fc.constant('erase' as const), who: fc.nat(EMAILS.length - 1) }),
);
const cut = fc.record({ asOf: fc.option(fc.nat(70), { nil: undefined }), knownAt: fc.option(fc.nat(45), { nil: undefined }) });

/** The answer by definition: a new resolver folded over the cut's events, read from the log as it is now. */
const foldedAt = async (store: EventStore, asOf: number, knownAt: number): Promise<IdentityResolver> => {
  const resolver = new IdentityResolver();
  for await (const event of store.readAll()) {
    if (Date.parse(event.recordedAt) > knownAt) break; // recordedAt never decreases along the log
    if (Date.parse(event.occurredAt) <= asOf) resolver.apply(event);
  }
  return resolver;
};

let run = 0;

describe('resolving a customer in a cut of the log', () => {
  it('answers as a resolver folded from only the cut’s events, before and after a restart', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 25 }), fc.array(cut, { minLength: 1, maxLength: 4 }), async (operations, cuts) => {
        // Each event is recorded one hour after the one before, from START.
        let now = START;
        const clock = () => new Date(now);
        const keys = getFileKeyStore({ path: `${temp.dir}/keys-${run++}.db` });
        const store = getInMemoryEventStore({ contract, clock, personalData: createPersonalDataGuard(keys) });
        const ingestor = await Ingestor.open({ store, contract, clock, maxFutureSkewMs: 365 * DAY });
        const at = (day: number) => new Date(START + day * DAY).toISOString();
        for (const step of operations) {
          now += 3_600_000;
          if (step.op === 'contact') await ingestor.ingest(interaction('ignored', { customer: byEmail(step.who), occurredAt: at(step.day) }));
          if (step.op === 'link') {
            const linked = { ...interaction('x'), customer: byEmail(step.who), type: 'IdentifierLinked', occurredAt: at(step.day), data: { identifier: byEmail(step.other), verified: true } } as EventInput;
            await ingestor.ingest(linked);
          }
          if (step.op === 'erase') {
            const customerId = ingestor.resolver.resolve(byEmail(step.who));
            if (customerId) await eraseCustomer({ keys, store, ingestor, clock }, { customerId, basis: 'customer-request' });
          }
        }
        const customerIds: string[] = [];
        for await (const event of store.readAll({ types: ['CustomerRegistered'] })) customerIds.push(event.streamId.slice('customer-'.length));
        const restarted = await Ingestor.open({ store, contract, clock });
        // Opened from where each stream begins and the identity types alone, it answers now as the whole log folded does.
        const everything = await foldedAt(store, Infinity, Infinity);
        for (const ref of [...EMAILS.map((_, i) => byEmail(i)), ...customerIds.map((value) => ({ kind: 'customerId', value }) as CustomerRef)]) {
          expect(restarted.resolver.resolve(ref), `after a restart, now: ${ref.kind}:${ref.value}`).toBe(everything.resolve(ref));
        }
        for (const { asOf, knownAt } of cuts) {
          // knownAt counts hours of recording (one event group an hour); asOf counts days of valid time.
          const cutTimes = { ...(asOf !== undefined ? { asOf: new Date(START + asOf * DAY) } : {}), ...(knownAt !== undefined ? { knownAt: new Date(START + knownAt * 3_600_000) } : {}) };
          const expected = await foldedAt(store, cutTimes.asOf?.getTime() ?? Infinity, cutTimes.knownAt?.getTime() ?? Infinity);
          const refs: CustomerRef[] = [...EMAILS.map((_, i) => byEmail(i)), ...customerIds.map((value) => ({ kind: 'customerId', value }) as CustomerRef)];
          for (const ref of refs) {
            const want = expected.resolve(ref);
            expect(await ingestor.resolveAt(ref, cutTimes), `${ref.kind}:${ref.value} in ${JSON.stringify(cutTimes)}`).toBe(want);
            expect(await restarted.resolveAt(ref, cutTimes), `after a restart, ${ref.kind}:${ref.value} in ${JSON.stringify(cutTimes)}`).toBe(want);
          }
        }
        await keys.close();
      }),
      { numRuns: 150 },
    );
  });

  it('resolves one reference from the merges alone where it is a customer id, as the whole index does', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 25 }), async (operations) => {
        let now = START;
        const clock = () => new Date(now);
        const keys = getFileKeyStore({ path: `${temp.dir}/keys-${run++}.db` });
        const store = getInMemoryEventStore({ contract, clock, personalData: createPersonalDataGuard(keys) });
        const ingestor = await Ingestor.open({ store, contract, clock, maxFutureSkewMs: 365 * DAY });
        for (const step of operations) {
          now += 3_600_000;
          const occurredAt = new Date(START + (step.op === 'erase' ? 0 : step.day) * DAY).toISOString();
          if (step.op === 'contact') await ingestor.ingest(interaction('ignored', { customer: byEmail(step.who), occurredAt }));
          if (step.op === 'link') await ingestor.ingest({ ...interaction('x'), customer: byEmail(step.who), type: 'IdentifierLinked', occurredAt, data: { identifier: byEmail(step.other), verified: true } } as EventInput);
          if (step.op === 'erase') {
            const customerId = ingestor.resolver.resolve(byEmail(step.who));
            if (customerId) await eraseCustomer({ keys, store, ingestor, clock }, { customerId, basis: 'customer-request' });
          }
        }
        const customerIds = ['C404'];
        for await (const event of store.readAll({ types: ['CustomerRegistered'] })) customerIds.push(event.streamId.slice('customer-'.length));
        const whole = (await Ingestor.open({ store, contract, clock })).resolver;
        for (const ref of [...customerIds.map((value) => ({ kind: 'customerId', value }) as CustomerRef), ...EMAILS.map((_, i) => byEmail(i))]) {
          const alone = await resolverFor({ store, contract, clock }, ref);
          const customerId = whole.resolve(ref);
          expect(alone.resolve(ref), `${ref.kind}:${ref.value}`).toBe(customerId);
          if (customerId !== undefined) expect(alone.merges.members(customerId), `members of ${customerId}`).toEqual(whole.merges.members(customerId));
        }
        await keys.close();
      }),
      { numRuns: 100 },
    );
  });

  it('knows a customer whose stream began without an identity event, and merges by where streams began', async () => {
    const store = getInMemoryEventStore({ contract });
    // Written around the ingestor (an import of another system's log): the stream begins with a purchase.
    await store.append('customer-C1', [interaction('C1')]);
    const first = await Ingestor.open({ store, contract, maxFutureSkewMs: 365 * DAY });
    const ana = await first.ingest(interaction('ignored', { customer: byEmail(0) }));
    const reopened = await Ingestor.open({ store, contract, maxFutureSkewMs: 365 * DAY });
    expect(reopened.resolver.resolve({ kind: 'customerId', value: 'C1' })).toBe('C1');
    // C1 links Ana's address: the two are one, and C1, whose stream began first, survives.
    const linked = { ...interaction('x'), customer: { kind: 'customerId', value: 'C1' }, type: 'IdentifierLinked', data: { identifier: byEmail(0), verified: true } } as EventInput;
    expect((await reopened.ingest(linked)).customerId).toBe('C1');
    expect(reopened.resolver.resolve(byEmail(0))).toBe('C1');
    expect(reopened.resolver.canonical(ana.customerId)).toBe('C1');
  });
});
