import { describe, expect, it } from 'vitest';
import type { EventInput } from '@roc-ledger/events';
import { given } from '@roc-ledger/projections/testing';
import { TRUST_RULES_V1, trustScore, type TrustScore } from './index.ts';

let n = 0;
const event = (type: string, occurredAt: string, data: unknown, channel = 'web'): EventInput =>
  ({ eventId: `0193${String(++n).padStart(4, '0')}-0000-7000-8000-000000000000`, type, schemaVersion: 1, customer: { kind: 'customerId', value: 'C1' }, channel, source: 'test', occurredAt, data }) as EventInput;

const scoreAt = async (at: string, ...events: EventInput[]) => (await given(trustScore, ...events).query('C1', 'score', { at: new Date(at) })) as TrustScore;

describe('trust score rules', () => {
  it('credits a promise kept and debits one broken, each traced to its event', async () => {
    const opened = event('EnquiryOpened', '2025-01-01T09:00:00Z', { enquiryId: 'E1', topic: 'delivery', dueBy: '2025-01-03T09:00:00Z' });
    const kept = event('EnquiryFulfilled', '2025-01-02T09:00:00Z', { enquiryId: 'E1' });
    const result = await scoreAt('2025-01-02T09:00:00Z', opened, kept);
    expect(result.contributions).toEqual([{ eventId: kept.eventId, type: 'EnquiryFulfilled', date: kept.occurredAt, rule: 'enquiry-kept', effect: 4, points: 4 }]);
    expect(result.score).toBe(54);
    const late = event('EnquiryFulfilled', '2025-01-05T09:00:00Z', { enquiryId: 'E1' });
    expect((await scoreAt('2025-01-05T09:00:00Z', opened, late)).contributions[0]).toMatchObject({ rule: 'enquiry-broken', effect: -6 });
  });

  it('counts an open promise as broken only once it is overdue at the moment asked', async () => {
    const opened = event('ComplaintOpened', '2025-01-01T09:00:00Z', { complaintId: 'K1', category: 'billing', severity: 'low', dueBy: '2025-01-10T00:00:00Z' });
    expect((await scoreAt('2025-01-05T00:00:00Z', opened)).contributions.map((c) => c.rule)).toEqual(['complaint-low']);
    expect((await scoreAt('2025-01-11T00:00:00Z', opened)).contributions.map((c) => c.rule)).toEqual(['complaint-overdue', 'complaint-low']);
  });

  it('debits offers beyond the bombardment limit in the window, and not the ones within it', async () => {
    const offers = Array.from({ length: 6 }, (_, i) => event('OfferPresented', `2025-03-0${i + 1}T10:00:00Z`, { offerId: `O${i}`, campaign: 'spring' }));
    const result = await scoreAt('2025-03-07T10:00:00Z', ...offers);
    const bombardment = result.contributions.filter((c) => c.rule === 'bombardment');
    expect(bombardment.map((c) => c.eventId).sort()).toEqual([offers[4]!.eventId, offers[5]!.eventId].sort());
    expect(bombardment.every((c) => c.effect === TRUST_RULES_V1.offers.bombardment)).toBe(true);
  });

  it('halves an effect every half-life', async () => {
    const sentiment = event('SentimentRecorded', '2025-01-01T00:00:00Z', { score: 2, agentId: 'A1' });
    const later = new Date(Date.parse('2025-01-01T00:00:00Z') + TRUST_RULES_V1.halfLifeDays * 86_400_000).toISOString();
    const result = await scoreAt(later, sentiment);
    expect(result.contributions.find((c) => c.rule === 'sentiment')).toMatchObject({ effect: 6, points: 3 });
  });

  it('counts the firm’s long silence against it, in steps, up to a limit', async () => {
    const registered = event('CustomerRegistered', '2025-01-01T00:00:00Z', { origin: 'signup' });
    expect((await scoreAt('2025-03-01T00:00:00Z', registered)).score).toBe(50);
    expect((await scoreAt('2025-05-01T00:00:00Z', registered)).contributions).toMatchObject([{ rule: 'firm-silence', effect: -5 }]);
    expect((await scoreAt('2027-01-01T00:00:00Z', registered)).contributions).toMatchObject([{ rule: 'firm-silence', effect: -15 }]);
  });

  it('keeps the score within 0 to 100 and equal to the base plus its contributions', async () => {
    const defected = event('CustomerDefected', '2025-01-01T00:00:00Z', { reason: 'switched' });
    const complaints = Array.from({ length: 3 }, (_, i) => event('ComplaintOpened', '2025-01-01T00:00:00Z', { complaintId: `K${i}`, category: 'x', severity: 'high', dueBy: '2025-01-01T01:00:00Z' }));
    const result = await scoreAt('2025-01-01T02:00:00Z', defected, ...complaints);
    expect(result.score).toBe(0);
    const ideas = Array.from({ length: 30 }, (_, i) => event('IdeaSubmitted', '2025-01-01T00:00:00Z', { ideaId: `I${i}`, title: 'idea' }));
    const high = await scoreAt('2025-01-01T00:00:00Z', ...ideas);
    expect(high.score).toBe(100);
    const mid = await scoreAt('2025-01-01T00:00:00Z', ...ideas.slice(0, 4));
    expect(mid.score).toBe(Math.round(mid.base + mid.contributions.reduce((s, c) => s + c.points, 0)));
  });

  it('counts an offer as ignored from its expiry only while unanswered; one presented again counts from its latest expiry', async () => {
    const offer = (id: string, day: string, expiresAt: string) => event('OfferPresented', `2025-03-${day}T10:00:00Z`, { offerId: id, campaign: 'spring', expiresAt });
    const accepted = offer('O1', '01', '2025-03-10T00:00:00Z');
    const declined = offer('O2', '01', '2025-03-10T00:00:00Z');
    const ignored = offer('O3', '01', '2025-03-10T00:00:00Z');
    const again = offer('O4', '01', '2025-03-10T00:00:00Z');
    const againLater = offer('O4', '02', '2025-03-20T00:00:00Z');
    const answers = [event('OfferAccepted', '2025-03-03T10:00:00Z', { offerId: 'O1' }), event('OfferDeclined', '2025-03-03T10:00:00Z', { offerId: 'O2', reason: 'not-relevant' })];
    const ignoredBy = async (at: string) =>
      (await scoreAt(at, accepted, declined, ignored, again, againLater, ...answers)).contributions.filter((c) => c.rule === 'offer-ignored').map((c) => [c.eventId, c.date]);
    expect(await ignoredBy('2025-03-09T00:00:00Z')).toEqual([]);
    expect(await ignoredBy('2025-03-15T00:00:00Z')).toEqual([[ignored.eventId, '2025-03-10T00:00:00Z']]);
    expect((await ignoredBy('2025-03-21T00:00:00Z')).sort()).toEqual([[ignored.eventId, '2025-03-10T00:00:00Z'], [againLater.eventId, '2025-03-20T00:00:00Z']].sort());
  });

  it('settles a promise opened again under the same id once, against its latest due date', async () => {
    const first = event('EnquiryOpened', '2025-01-01T09:00:00Z', { enquiryId: 'E1', topic: 'delivery', dueBy: '2025-01-02T09:00:00Z' });
    const reopened = event('EnquiryOpened', '2025-01-01T10:00:00Z', { enquiryId: 'E1', topic: 'delivery', dueBy: '2025-01-05T09:00:00Z' });
    const fulfilled = event('EnquiryFulfilled', '2025-01-04T09:00:00Z', { enquiryId: 'E1' });
    const again = event('EnquiryFulfilled', '2025-01-04T10:00:00Z', { enquiryId: 'E1' });
    const result = await scoreAt('2025-01-04T10:00:00Z', first, reopened, fulfilled, again);
    expect(result.contributions.map((c) => [c.rule, c.eventId])).toEqual([['enquiry-kept', fulfilled.eventId]]);
  });

  it('keeps unanswered offers sorted by id, whatever order they came in, each once', async () => {
    const ids = ['F-10', 'F-9', 'F-100', 'F-2', 'F-9'];
    const offers = ids.map((offerId, i) => event('OfferPresented', `2025-03-0${i + 1}T10:00:00Z`, { offerId, campaign: 'spring', expiresAt: '2025-04-01T00:00:00Z' }));
    const declined = event('OfferDeclined', '2025-03-08T10:00:00Z', { offerId: 'F-2', reason: 'other' });
    const states = await given(trustScore, ...offers, declined).states();
    const state = states.get('C1') as { unansweredOffers: { id: string; eventId: string }[] };
    expect(state.unansweredOffers.map((o) => o.id)).toEqual(['F-10', 'F-100', 'F-9']);
    // The offer presented again is the later one.
    expect(state.unansweredOffers[2]!.eventId).toBe(offers[4]!.eventId);
  });
});
