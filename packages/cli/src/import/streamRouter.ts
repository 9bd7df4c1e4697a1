import type { AnyVersionEventInput, CustomerRef } from '@roc-ledger/events';
import { customerStreamId, type EventStore } from '@roc-ledger/ledger';
import { CliError, CliErrorCode } from '../errors.ts';

const key = (ref: { kind: string; value: string }) => `${ref.kind}:${ref.value}`;

/**
 * Maps an event's customer reference to its customer stream. A customer id maps directly; an
 * identifier maps through the IdentifierLinked events already in the log. The link table is
 * itself a fold over the log, so rebuilding it from the log gives the same answers.
 */
export class StreamRouter {
  private readonly links = new Map<string, string>();

  static async fromLog(store: EventStore): Promise<StreamRouter> {
    const router = new StreamRouter();
    for await (const event of store.readAll({ types: ['IdentifierLinked'] })) router.learn(event);
    return router;
  }

  customerIdOf(ref: CustomerRef): string | undefined {
    return ref.kind === 'customerId' ? ref.value : this.links.get(key(ref));
  }

  streamFor(event: AnyVersionEventInput): string {
    const customerId = this.customerIdOf(event.customer);
    if (customerId === undefined) {
      throw new CliError(
        CliErrorCode.unknownIdentifier,
        `customer.${event.customer.kind} is not linked to any customer yet; send a customerId or link the identifier first (IdentifierLinked)`,
      );
    }
    return customerStreamId(customerId);
  }

  /** Records a link an event establishes (call when it is routed, before it is stored). */
  learn(event: AnyVersionEventInput): void {
    if (event.type !== 'IdentifierLinked') return;
    const customerId = this.customerIdOf(event.customer);
    if (customerId !== undefined) this.links.set(key(event.data.identifier), customerId);
  }
}
