import { allDefinitions, findDefinition, versionsOf, type AnyVersionEventInput } from './catalogue.ts';
import { LEDGER_FIELDS } from './defineEvent.ts';
import { ContractViolationError, EventsErrorCode, type ContractIssue } from './errors.ts';
import { CurrencyCode } from './primitives.ts';

export interface ContractOptions {
  /** ISO 4217 code of the one currency this ledger reports in; money in any other is refused. */
  readonly reportingCurrency: string;
}

export interface Contract {
  readonly reportingCurrency: string;
  /** Validates a producer's event of any accepted version. Throws ContractViolationError. */
  parse(input: unknown): AnyVersionEventInput;
  /**
   * True for an object this contract's parse returned: a store need not validate it again.
   * (Parsed events are treated as immutable; code that changes one must parse it again.)
   */
  validated(event: unknown): boolean;
}

const knownTypes = [...new Set(allDefinitions.map((d) => d.type))];

export const formatPath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Money is the only place `currency` appears in the catalogue, so every `currency` key is a
 * Money currency. Walks without allocating; builds a path only for a mismatch.
 */
const foreignCurrencies = (value: unknown, reporting: string, path: (string | number)[], found: ContractIssue[]): ContractIssue[] => {
  if (typeof value !== 'object' || value === null) return found;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      foreignCurrencies(value[i], reporting, path, found);
      path.pop();
    }
    return found;
  }
  for (const key in value) {
    const inner = (value as Record<string, unknown>)[key];
    path.push(key);
    if (key === 'currency' && inner !== reporting) {
      found.push({ path: formatPath(path), message: `currency ${String(inner)} is not the ledger's reporting currency ${reporting}` });
    } else foreignCurrencies(inner, reporting, path, found);
    path.pop();
  }
  return found;
};

const fail = (code: EventsErrorCode, issues: ContractIssue[], eventId: string | undefined): never => {
  throw new ContractViolationError(code, issues, eventId);
};

export const createContract = ({ reportingCurrency }: ContractOptions): Contract => {
  if (!CurrencyCode.safeParse(reportingCurrency).success) {
    throw new ContractViolationError(
      EventsErrorCode.invalidEvent,
      [{ path: 'reportingCurrency', message: `${reportingCurrency} is not an ISO 4217 currency code` }],
      undefined,
    );
  }
  const parsedByThis = new WeakSet<object>();
  return {
    reportingCurrency,
    validated: (event) => typeof event === 'object' && event !== null && parsedByThis.has(event),
    parse(input) {
      if (!isRecord(input)) return fail(EventsErrorCode.invalidEvent, [{ path: '', message: 'an event must be a JSON object' }], undefined);
      const eventId = typeof input.eventId === 'string' ? input.eventId : undefined;

      const ledgerFields = LEDGER_FIELDS.filter((field) => field in input);
      if (ledgerFields.length > 0) {
        fail(
          EventsErrorCode.ledgerFieldSet,
          ledgerFields.map((field) => ({ path: field, message: 'set by the ledger, never by a producer' })),
          eventId,
        );
      }

      const { type, schemaVersion } = input;
      if (typeof type !== 'string' || !knownTypes.includes(type)) {
        fail(EventsErrorCode.unknownType, [{ path: 'type', message: `unknown event type ${JSON.stringify(type)}; known: ${knownTypes.join(', ')}` }], eventId);
      }
      const definition = findDefinition(type as string, schemaVersion as number);
      if (!definition) {
        fail(
          EventsErrorCode.unsupportedVersion,
          [{ path: 'schemaVersion', message: `${String(type)} has no schema version ${JSON.stringify(schemaVersion)}; supported: ${versionsOf(type as string).join(', ')}` }],
          eventId,
        );
      }

      const parsed = definition!.schema.safeParse(input);
      if (!parsed.success) {
        fail(
          EventsErrorCode.invalidEvent,
          parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
          eventId,
        );
      }
      const event = parsed.data as AnyVersionEventInput;

      const currencyIssues = foreignCurrencies(event.data, reportingCurrency, ['data'], []);
      if (currencyIssues.length > 0) fail(EventsErrorCode.currencyNotReporting, currencyIssues, eventId);
      parsedByThis.add(event);
      return event;
    },
  };
};
