// The worker thread of equitySeriesOffThread: computes each series it is sent, in order.
import { parentPort } from 'node:worker_threads';
import { equitySeries, type CashMovement, type EquityOptions, type Purchase } from '@roc-ledger/clv';

parentPort!.on('message', ({ id, purchases, cash, to, options }: { id: number; purchases: Purchase[]; cash: CashMovement[]; to: number; options: EquityOptions }) => {
  try {
    parentPort!.postMessage({ id, points: equitySeries(purchases, cash, to, options) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
