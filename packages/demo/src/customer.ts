import type { Channel } from '@roc-ledger/events';
import type { Random } from './random.ts';

export type PurchaseChannel = Extract<Channel, 'web' | 'store' | 'phone' | 'app'>;

/** One simulated customer: fixed traits drawn at creation, and the state the months change. */
export interface SimCustomer {
  readonly index: number;
  readonly id: string;
  readonly rng: Random;
  readonly signupAt: number;
  readonly acquisitionChannel: PurchaseChannel;
  readonly identifiers: { email: string; phone: string; loyaltyCard: string; webVisitorId: string };
  readonly linked: Set<'email' | 'phone' | 'loyaltyCard' | 'webVisitorId'>;
  /** Expected purchases per month while alive (gamma-distributed across customers, as BG/NBD assumes). */
  readonly purchaseRate: number;
  /** Chance of dropping out after each purchase (beta-distributed across customers). */
  readonly dropout: number;
  /** Mean spend per purchase, minor units. */
  readonly spendMean: number;
  readonly channelWeights: Readonly<Record<PurchaseChannel, number>>;
  /** The firm's marketing treats this customer as a target for heavy offer volume. */
  readonly bombarded: boolean;
  /** How well offers fit this customer's needs (0..1). */
  readonly offerFit: number;
  readonly complaintProneness: number;
  readonly mood: number;
  readonly engaged: boolean;
  registered: boolean;
  alive: boolean;
  defectionAt: number | null;
  consents: { marketing: boolean; analytics: boolean; profiling: boolean };
  orders: { orderId: string; amount: number; at: number }[];
  counter: number;
  /** When the last event of this customer's signup flow reached the ledger: the flow arrives in order. */
  lastArrival: number;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export const createCustomer = (index: number, rng: Random, periodStart: number, periodEnd: number): SimCustomer => {
  // Acquisition grows over time: later months sign up more customers (square-root spread).
  const signupAt = periodStart + Math.floor(Math.sqrt(rng.next()) * (periodEnd - periodStart) * 0.9);
  const acquisitionChannel = rng.weighted<PurchaseChannel>({ web: 45, store: 35, phone: 8, app: 12 });
  const prefersStore = acquisitionChannel === 'store';
  const given = index.toString(36);
  return {
    index,
    id: `C${pad(index + 1, 7)}`,
    rng,
    signupAt,
    acquisitionChannel,
    identifiers: {
      email: `customer.${given}@example.${rng.pick(['com', 'org', 'net'])}`,
      phone: `+4915${pad(rng.int(0, 99_999_999), 8)}${index % 10}`,
      loyaltyCard: `LC${pad(index + 1, 10)}`,
      webVisitorId: `wv-${rng.bytes(8).reduce((s, b) => s + b.toString(16).padStart(2, '0'), '')}`,
    },
    linked: new Set(),
    purchaseRate: rng.gamma(0.9, 0.55),
    dropout: rng.beta(0.8, 6),
    spendMean: Math.round(1500 + rng.gamma(2.5, 1800)),
    channelWeights: prefersStore ? { web: 2, store: 7, phone: 0.5, app: 0.5 } : { web: 6, store: 2, phone: 0.5, app: acquisitionChannel === 'app' ? 4 : 1 },
    bombarded: rng.chance(0.12),
    offerFit: rng.beta(2, 3),
    complaintProneness: rng.gamma(1, 1),
    mood: rng.normal() * 0.7,
    engaged: rng.chance(0.06),
    registered: false,
    alive: true,
    defectionAt: null,
    consents: { marketing: false, analytics: false, profiling: false },
    orders: [],
    counter: 0,
    lastArrival: 0,
  };
};
