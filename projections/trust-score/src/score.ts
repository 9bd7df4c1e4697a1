import type { QueryContext } from '@roc-ledger/projections';
import type { TrustRules } from './rules.ts';
import type { TrustState } from './state.ts';

const DAY_MS = 86_400_000;

export interface ScoredContribution {
  readonly eventId: string;
  readonly type: string;
  readonly date: string;
  readonly rule: string;
  /** Full effect, before decay. */
  readonly effect: number;
  /** What it adds to the score at the moment asked: effect × 0.5^(age / half-life). */
  readonly points: number;
}

export interface TrustScore {
  readonly customerId: string;
  readonly at: string;
  /** 0 to 100. */
  readonly score: number;
  readonly base: number;
  readonly rulesVersion: number;
  /** Every contribution, largest absolute points first. base + Σ points, clamped to 0..100, rounded, is the score. */
  readonly contributions: readonly ScoredContribution[];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The score at a moment, with every point traced to the event and rule that moved it. */
export const scoreAt = (rules: TrustRules) => (state: TrustState, { at, partition }: QueryContext): TrustScore => {
  const now = at.getTime();
  const decay = (date: string) => 0.5 ** (Math.max(0, now - Date.parse(date)) / (rules.halfLifeDays * DAY_MS));
  const raw: { eventId: string; type: string; date: string; rule: string; effect: number }[] = [];
  const { at: dates, effect, eventId, rule, type } = state.contributions;
  for (let i = 0; i < dates.length; i++) {
    if (Date.parse(dates[i]!) <= now) raw.push({ eventId: eventId[i]!, type: type[i]!, date: dates[i]!, rule: rule[i]!, effect: effect[i]! });
  }

  // Facts that depend on the moment asked: promises now overdue, offers now expired unanswered, the firm's silence.
  for (const promise of state.openPromises) {
    if (Date.parse(promise.dueBy) < now && Date.parse(promise.at) <= now) {
      raw.push({ eventId: promise.eventId, type: promise.type, date: promise.dueBy, rule: `${promise.kind}-overdue`, effect: promise.kind === 'enquiry' ? rules.promises.enquiryBroken : rules.promises.complaintBroken });
    }
  }
  for (const offer of state.unansweredOffers) {
    if (Date.parse(offer.expiresAt) < now && Date.parse(offer.at) <= now) raw.push({ eventId: offer.eventId, type: 'OfferPresented', date: offer.expiresAt, rule: 'offer-ignored', effect: rules.offers.ignored });
  }
  if (state.lastFirmContactAt && state.lastFirmContactEventId) {
    const silentDays = (now - Date.parse(state.lastFirmContactAt)) / DAY_MS;
    if (silentDays > rules.silence.graceDays) {
      const periods = Math.ceil((silentDays - rules.silence.graceDays) / rules.silence.periodDays);
      const effect = Math.max(rules.silence.max, periods * rules.silence.perPeriod);
      // Silence is a present state, not a past event: it does not decay.
      raw.push({ eventId: state.lastFirmContactEventId, type: 'silence', date: new Date(now).toISOString(), rule: 'firm-silence', effect });
    }
  }

  const contributions = raw
    .map((c) => ({ ...c, points: round2(c.rule === 'firm-silence' ? c.effect : c.effect * decay(c.date)) }))
    .sort((a, b) => Math.abs(b.points) - Math.abs(a.points) || (a.date < b.date ? -1 : a.date > b.date ? 1 : 0) || (a.eventId < b.eventId ? -1 : 1));
  const total = rules.base + contributions.reduce((sum, c) => sum + c.points, 0);
  return {
    customerId: partition,
    at: at.toISOString(),
    score: Math.round(Math.min(100, Math.max(0, total))),
    base: rules.base,
    rulesVersion: rules.version,
    contributions,
  };
};
