import type { CashMovement } from './equity.ts';
import type { Purchase } from './summary.ts';

/**
 * Purchases and cash movements in columns. A large ledger's money is hundreds of thousands of
 * small objects: posted to a worker thread they were copied one by one on the service's event loop
 * (0.7 s for 590,815 movements), and kept in memory they took 279 bytes each. Columns of numbers
 * are copied or handed over whole, and each customer and channel name is held once.
 */
export interface MoneyColumns {
  readonly customers: string[];
  readonly channels: string[];
  readonly purchaseCustomer: Int32Array;
  readonly purchaseAt: Float64Array;
  readonly purchaseValue: Float64Array;
  /** Index into channels; -1 where the purchase has none. */
  readonly purchaseChannel: Int32Array;
  readonly cashCustomer: Int32Array;
  readonly cashAt: Float64Array;
  readonly cashAmount: Float64Array;
}

const indexer = (names: string[]) => {
  const index = new Map<string, number>();
  return (name: string): number => {
    let i = index.get(name);
    if (i === undefined) {
      index.set(name, (i = names.length));
      names.push(name);
    }
    return i;
  };
};

/** Objects into columns. */
export const packMoney = (purchases: readonly Purchase[], cash: readonly CashMovement[]): MoneyColumns => {
  const customers: string[] = [];
  const channels: string[] = [];
  const customer = indexer(customers);
  const channel = indexer(channels);
  const packed: MoneyColumns = {
    customers,
    channels,
    purchaseCustomer: new Int32Array(purchases.length),
    purchaseAt: new Float64Array(purchases.length),
    purchaseValue: new Float64Array(purchases.length),
    purchaseChannel: new Int32Array(purchases.length),
    cashCustomer: new Int32Array(cash.length),
    cashAt: new Float64Array(cash.length),
    cashAmount: new Float64Array(cash.length),
  };
  for (let i = 0; i < purchases.length; i++) {
    const p = purchases[i]!;
    packed.purchaseCustomer[i] = customer(p.customerId);
    packed.purchaseAt[i] = p.at;
    packed.purchaseValue[i] = p.value;
    packed.purchaseChannel[i] = p.channel === undefined ? -1 : channel(p.channel);
  }
  for (let i = 0; i < cash.length; i++) {
    const c = cash[i]!;
    packed.cashCustomer[i] = customer(c.customerId);
    packed.cashAt[i] = c.at;
    packed.cashAmount[i] = c.amount;
  }
  return packed;
};

/** A copy whose buffers can be transferred to a worker (transferablesOf) while the original stays usable. */
export const copyColumns = (columns: MoneyColumns): MoneyColumns => ({
  customers: columns.customers,
  channels: columns.channels,
  purchaseCustomer: columns.purchaseCustomer.slice(),
  purchaseAt: columns.purchaseAt.slice(),
  purchaseValue: columns.purchaseValue.slice(),
  purchaseChannel: columns.purchaseChannel.slice(),
  cashCustomer: columns.cashCustomer.slice(),
  cashAt: columns.cashAt.slice(),
  cashAmount: columns.cashAmount.slice(),
});

/** The buffers to transfer with the columns (unusable on the sending side afterwards: transfer a copy). */
export const transferablesOf = (columns: MoneyColumns): ArrayBuffer[] =>
  [columns.purchaseCustomer, columns.purchaseAt, columns.purchaseValue, columns.purchaseChannel, columns.cashCustomer, columns.cashAt, columns.cashAmount].map((column) => column.buffer as ArrayBuffer);

/** The purchases and cash movements again, in the same order and with the same numbers (cash movements without their event ids, which no computation reads). */
export const unpackMoney = (packed: MoneyColumns): { purchases: Purchase[]; cash: CashMovement[] } => {
  const purchases: Purchase[] = new Array(packed.purchaseAt.length);
  for (let i = 0; i < purchases.length; i++) {
    const channel = packed.purchaseChannel[i]!;
    const customerId = packed.customers[packed.purchaseCustomer[i]!]!;
    purchases[i] = channel === -1 ? { customerId, at: packed.purchaseAt[i]!, value: packed.purchaseValue[i]! } : { customerId, at: packed.purchaseAt[i]!, value: packed.purchaseValue[i]!, channel: packed.channels[channel]! };
  }
  const cash: CashMovement[] = new Array(packed.cashAt.length);
  for (let i = 0; i < cash.length; i++) cash[i] = { customerId: packed.customers[packed.cashCustomer[i]!]!, at: packed.cashAt[i]!, amount: packed.cashAmount[i]! };
  return { purchases, cash };
};
