import { currentVersionOf, type AnyVersionEventInput, type EventInput } from './catalogue.ts';
import { minorUnitDigits } from './primitives.ts';

type Upcaster = (event: any) => any;

/** `type@fromVersion` → a function producing the next version. Chains run until the current version. */
const upcasters = new Map<string, Upcaster>([
  [
    'PurchaseMade@1',
    (event) => {
      const { orderId, amount, currency } = event.data;
      const minor = Math.round(amount * 10 ** minorUnitDigits(currency));
      return { ...event, schemaVersion: 2, data: { orderId, amount: { minor, currency } } };
    },
  ],
]);

/** Brings a stored event of any accepted version to the current version of its type. Pure. */
export const upcast = <E extends AnyVersionEventInput>(event: E): E & EventInput => {
  const target = currentVersionOf.get(event.type);
  let current: any = event;
  while (target !== undefined && current.schemaVersion < target) {
    const step = upcasters.get(`${current.type}@${current.schemaVersion}`);
    if (!step) throw new Error(`no upcaster from ${current.type} v${current.schemaVersion}`);
    current = step(current);
  }
  return current;
};

export const hasUpcaster = (type: string, fromVersion: number): boolean => upcasters.has(`${type}@${fromVersion}`);
