import { minorUnitDigits } from '@roc-ledger/events';
import type { SimCustomer } from './customer.ts';
import type { Emit } from './emitter.ts';
import { register } from './lifecycle.ts';
import { CAMPAIGNS, COMPLAINT_CATEGORIES, ENQUIRY_TOPICS, IDEA_TITLES, PRODUCTS, SENTIMENT_NOTES } from './vocabulary.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Retail seasonality: a Christmas peak, a January lull. */
const SEASON = [0.75, 0.8, 0.95, 1, 1, 0.95, 0.9, 0.9, 1, 1.05, 1.35, 1.7];

export interface MonthContext {
  readonly start: number;
  readonly end: number;
  /** Ideas submitted so far by anyone: what engaged customers vote on. */
  readonly ideas: string[];
  /** The currency of every amount. */
  readonly currency: string;
}

const clampScore = (x: number) => Math.max(-2, Math.min(2, Math.round(x)));

/** One customer's month: everything they and the firm did, as events. */
export const simulateMonth = (customer: SimCustomer, emit: Emit, month: MonthContext): void => {
  const { rng } = customer;
  const { currency } = month;
  // Nothing of a customer happens before they registered.
  const earliest = Math.max(month.start, customer.signupAt + 60 * 60_000);
  const at = (from = earliest) => from + Math.floor(rng.next() * (month.end - from));
  const next = () => `${customer.id}-${customer.counter}`;

  const purchase = (when: number, channel: SimCustomer['acquisitionChannel']) => {
    const amount = Math.max(199, Math.round(rng.gamma(4, customer.spendMean / 4)));
    const orderId = `O-${next()}`;
    // Old till software still sends PurchaseMade v1 (decimal amounts); the ledger upcasts it on read.
    const legacyTill = channel === 'store' && customer.index % 5 === 0;
    emit(
      'PurchaseMade',
      channel,
      when,
      (legacyTill
        ? { orderId, amount: amount / 10 ** minorUnitDigits(currency), currency }
        : { orderId, amount: { minor: amount, currency }, cost: { minor: Math.round(amount * (0.55 + rng.next() * 0.2)), currency }, items: rng.int(1, 4) }) as never,
      legacyTill ? { schemaVersion: 1 } : {},
    );
    customer.orders.push({ orderId, amount, at: when });
    if (channel === 'web' || channel === 'app') emit('CostToServeRecorded', 'system', when + HOUR, { amount: { minor: rng.int(350, 690), currency }, category: 'delivery' }, { byId: true });
    if (rng.chance(0.06)) {
      emit('RefundIssued', channel, when + rng.int(3, 20) * DAY, { refundId: `R-${next()}`, orderId, amount: { minor: rng.chance(0.7) ? amount : Math.round(amount / 2), currency }, reason: rng.pick(['damaged', 'wrong-size', 'changed-mind']) });
    }
    if (rng.chance(customer.dropout)) {
      customer.alive = false;
      if (rng.chance(0.35)) customer.defectionAt = when + rng.int(5, 60) * DAY;
    }
  };

  if (!customer.registered) {
    if (customer.signupAt >= month.end) return;
    register(customer, emit, purchase);
  }

  const season = SEASON[new Date(month.start).getUTCMonth()]!;
  if (customer.alive) {
    const purchases = rng.poisson(customer.purchaseRate * season);
    for (let i = 0; i < purchases && customer.alive; i++) {
      const when = at(Math.max(earliest, customer.signupAt + DAY));
      const channel = rng.weighted(customer.channelWeights);
      if (channel === 'web' && rng.chance(0.5)) emit('InteractionRecorded', 'web', when - 20 * 60_000, { kind: 'visit', initiatedBy: 'customer', topic: rng.pick(PRODUCTS) });
      purchase(when, channel);
    }
    for (let i = rng.poisson(0.8 + (customer.engaged ? 1.5 : 0)); i > 0; i--) {
      emit('InteractionRecorded', 'web', at(), { kind: 'visit', initiatedBy: 'customer', durationSeconds: rng.int(20, 900) });
    }
    serviceContacts(customer, emit, month, at, next);
    voice(customer, emit, month, at, next);
    if (!customer.linked.has('loyaltyCard') && rng.chance(0.03)) {
      customer.linked.add('loyaltyCard');
      emit('IdentifierLinked', 'store', at(), { identifier: { kind: 'loyaltyCard', value: customer.identifiers.loyaltyCard }, verified: true }, { byId: true });
    }
    if (rng.chance(0.004)) emit('ProfileUpdated', 'web', at(), { address: { line1: `Neue Strasse ${rng.int(1, 80)}`, city: 'Dresden', postalCode: '01067', country: 'DE' } }, { byId: true });
  }
  if (customer.defectionAt !== null && customer.defectionAt < month.end) {
    emit('CustomerDefected', rng.pick(['phone', 'email'] as const), customer.defectionAt, { reason: rng.pick(['switched', 'closed-account', 'dissatisfied'] as const) });
    customer.defectionAt = Number.POSITIVE_INFINITY;
  }
  offers(customer, emit, at, next);
};

const serviceContacts = (customer: SimCustomer, emit: Emit, month: MonthContext, at: () => number, next: () => string) => {
  const { rng } = customer;
  for (let i = rng.poisson(0.15); i > 0; i--) {
    const opened = at();
    const enquiryId = `E-${next()}`;
    const channel = rng.pick(['phone', 'email', 'web'] as const);
    emit('EnquiryOpened', channel, opened, { enquiryId, topic: rng.pick(ENQUIRY_TOPICS), dueBy: new Date(opened + 48 * HOUR).toISOString() });
    const outcome = rng.weighted({ onTime: 70, late: 18, never: 12 });
    if (outcome !== 'never') emit('EnquiryFulfilled', channel, opened + (outcome === 'onTime' ? rng.int(1, 40) : rng.int(50, 240)) * HOUR, { enquiryId });
  }
  for (let i = rng.poisson(0.025 * customer.complaintProneness); i > 0; i--) {
    const opened = at();
    const complaintId = `K-${next()}`;
    emit('ComplaintOpened', 'phone', opened, { complaintId, category: rng.pick(COMPLAINT_CATEGORIES), severity: rng.weighted({ low: 5, medium: 3, high: 1 }), dueBy: new Date(opened + 5 * DAY).toISOString(), note: 'Customer explained the problem at length on the phone.' });
    const outcome = rng.weighted({ onTime: 65, late: 20, never: 15 });
    if (outcome !== 'never') {
      const resolved = opened + (outcome === 'onTime' ? rng.int(1, 4) : rng.int(6, 20)) * DAY;
      emit('ComplaintResolved', 'phone', resolved, { complaintId, outcome: rng.weighted({ upheld: 5, 'partially-upheld': 3, rejected: 2 }) });
      const score = clampScore(customer.mood + (outcome === 'onTime' ? 0.5 : -1) + rng.normal() * 0.5);
      emit('SentimentRecorded', 'phone', resolved + HOUR, { score, agentId: `agent-${rng.int(1, 40)}`, note: rng.pick(SENTIMENT_NOTES[score]!) });
    }
  }
  for (let i = rng.poisson(0.2); i > 0; i--) {
    const when = at();
    emit('InteractionRecorded', 'phone', when, { kind: 'call', initiatedBy: rng.chance(0.8) ? 'customer' : 'firm', durationSeconds: rng.int(60, 1500) });
    const score = clampScore(customer.mood + rng.normal() * 0.6);
    emit('SentimentRecorded', 'phone', when + 60_000, { score, agentId: `agent-${rng.int(1, 40)}`, note: rng.pick(SENTIMENT_NOTES[score]!) });
    emit('CostToServeRecorded', 'system', when + 120_000, { amount: { minor: rng.int(200, 900), currency: month.currency }, category: 'service' }, { byId: true });
  }
};

const voice = (customer: SimCustomer, emit: Emit, month: MonthContext, at: () => number, next: () => string) => {
  if (!customer.engaged) return;
  const { rng } = customer;
  if (rng.chance(0.06)) {
    const ideaId = `I-${next()}`;
    emit('IdeaSubmitted', 'web', at(), { ideaId, title: rng.pick(IDEA_TITLES) });
    month.ideas.push(ideaId);
  }
  for (let i = rng.poisson(0.4); i > 0 && month.ideas.length > 0; i--) {
    emit('IdeaVoted', 'web', at(), { ideaId: rng.pick(month.ideas), vote: rng.chance(0.8) ? 'up' : 'down' });
  }
};

const offers = (customer: SimCustomer, emit: Emit, at: () => number, next: () => string) => {
  const { rng } = customer;
  if (!customer.consents.marketing) return;
  const count = rng.poisson(customer.bombarded ? 9 : 0.7);
  for (let i = 0; i < count; i++) {
    const when = at();
    const offerId = `F-${next()}`;
    const channel = rng.pick(['email', 'app', 'web'] as const);
    emit('OfferPresented', channel, when, { offerId, campaign: rng.pick(CAMPAIGNS), product: rng.pick(PRODUCTS), expiresAt: new Date(when + 14 * DAY).toISOString() });
    if (!customer.alive) continue;
    const fit = customer.offerFit * (customer.bombarded ? 0.4 : 1);
    const response = rng.next();
    if (response < fit * 0.3) emit('OfferAccepted', channel, when + rng.int(1, 72) * HOUR, { offerId });
    else if (response < fit * 0.3 + 0.25) emit('OfferDeclined', channel, when + rng.int(1, 72) * HOUR, { offerId, reason: customer.bombarded && rng.chance(0.5) ? 'too-many-offers' : 'not-relevant' });
  }
  if (rng.chance(customer.bombarded ? 0.08 : 0.01)) {
    customer.consents.marketing = false;
    emit('ConsentWithdrawn', 'email', at(), { purpose: 'marketing' });
  }
};
