import type { SimCustomer } from './customer.ts';
import type { Emit } from './emitter.ts';
import { CITIES, FAMILY_NAMES, GIVEN_NAMES, STREETS } from './vocabulary.ts';

const MINUTE = 60_000;

/** Registration: the customer, the identifiers the first channel learned, profile, consents, first purchase. */
export const register = (customer: SimCustomer, emit: Emit, purchase: (at: number, channel: SimCustomer['acquisitionChannel']) => void): void => {
  const { rng, signupAt: at, acquisitionChannel: channel, identifiers } = customer;
  emit('CustomerRegistered', channel, at, { origin: rng.chance(0.7) ? 'signup' : 'first-contact' }, { byId: true, inOrder: true });
  const link = (kind: keyof SimCustomer['identifiers'], offset: number, linkChannel = channel) => {
    customer.linked.add(kind);
    emit('IdentifierLinked', linkChannel, at + offset, { identifier: { kind, value: identifiers[kind] }, verified: rng.chance(0.8) }, { byId: true, inOrder: true });
  };
  link('email', 1000);
  if (channel === 'store' || rng.chance(0.25)) link('loyaltyCard', 2000);
  if (channel === 'web' || channel === 'app') link('webVisitorId', 3000);
  if (channel === 'phone' || rng.chance(0.3)) link('phone', 4000);

  const [city, postalCode] = rng.pick(CITIES);
  emit(
    'ProfileUpdated',
    channel,
    at + 5000,
    {
      givenName: rng.pick(GIVEN_NAMES),
      familyName: rng.pick(FAMILY_NAMES),
      address: { line1: `${rng.pick(STREETS)} ${rng.int(1, 120)}`, city, postalCode, country: 'DE' },
    },
    { byId: true, inOrder: true },
  );
  for (const [purpose, p] of [['marketing', 0.6], ['analytics', 0.8], ['profiling', 0.4]] as const) {
    if (rng.chance(p)) {
      customer.consents[purpose] = true;
      emit('ConsentGranted', channel, at + 6000, { purpose }, { byId: true, inOrder: true });
    }
  }
  emit('ContactPreferenceSet', channel, at + 7000, { medium: 'email', optedIn: customer.consents.marketing, ...(rng.chance(0.3) ? { maxPerMonth: rng.int(1, 4) } : {}) }, { byId: true, inOrder: true });
  customer.registered = true;
  purchase(at + 10 * MINUTE, channel);
};
