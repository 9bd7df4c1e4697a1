import { z } from 'zod';
import type { EventDefinition } from './defineEvent.ts';
import { ConsentGranted, ConsentWithdrawn, ContactPreferenceSet } from './types/consent.ts';
import { CostToServeRecorded, PurchaseMade, PurchaseMadeV1, RefundIssued } from './types/commerce.ts';
import { CustomerRegistered, CustomersMerged, IdentifierLinked, ProfileUpdated } from './types/identity.ts';
import { CustomerDefected, CustomerErased } from './types/lifecycle.ts';
import { OfferAccepted, OfferDeclined, OfferPresented } from './types/offers.ts';
import {
  ComplaintOpened,
  ComplaintResolved,
  EnquiryFulfilled,
  EnquiryOpened,
  InteractionRecorded,
} from './types/service.ts';
import { IdeaSubmitted, IdeaVoted, SentimentRecorded } from './types/voice.ts';

/** The current version of every event type: what readers see after upcasting. */
export const currentDefinitions = [
  CustomerRegistered,
  IdentifierLinked,
  CustomersMerged,
  ProfileUpdated,
  ConsentGranted,
  ConsentWithdrawn,
  ContactPreferenceSet,
  InteractionRecorded,
  EnquiryOpened,
  EnquiryFulfilled,
  ComplaintOpened,
  ComplaintResolved,
  SentimentRecorded,
  IdeaSubmitted,
  IdeaVoted,
  OfferPresented,
  OfferAccepted,
  OfferDeclined,
  PurchaseMade,
  RefundIssued,
  CostToServeRecorded,
  CustomerDefected,
  CustomerErased,
] as const;

/** Versions still accepted from producers and found in stored history, upcast on read. */
export const supersededDefinitions = [PurchaseMadeV1] as const;

export const allDefinitions: readonly EventDefinition[] = [...currentDefinitions, ...supersededDefinitions];

type Current = (typeof currentDefinitions)[number];
type Superseded = (typeof supersededDefinitions)[number];

/** An event in its current schema version, as a producer sends it. */
export type EventInput = z.infer<Current['schema']>;
/** An event in any accepted schema version, as it may be stored. */
export type AnyVersionEventInput = EventInput | z.infer<Superseded['schema']>;
export type EventType = EventInput['type'];
export type EventOfType<T extends EventType> = Extract<EventInput, { type: T }>;

export const EVENT_TYPES = currentDefinitions.map((d) => d.type) as EventType[];

export const currentVersionOf: ReadonlyMap<string, number> = new Map(
  currentDefinitions.map((d) => [d.type, d.schemaVersion]),
);

const definitionIndex = new Map(allDefinitions.map((d) => [`${d.type}@${d.schemaVersion}`, d]));

export const findDefinition = (type: string, schemaVersion: number): EventDefinition | undefined =>
  definitionIndex.get(`${type}@${schemaVersion}`);

export const versionsOf = (type: string): number[] =>
  allDefinitions.filter((d) => d.type === type).map((d) => d.schemaVersion).sort((a, b) => a - b);

/**
 * Every accepted event type and version as one zod schema, discriminated by type (and by
 * schemaVersion where a type has several): what HTTP and AsyncAPI documents publish.
 */
export const anyVersionEventSchema = (() => {
  const byType = new Map<string, EventDefinition[]>();
  for (const d of allDefinitions) byType.set(d.type, [...(byType.get(d.type) ?? []), d]);
  const options = [...byType.values()].map((versions) =>
    versions.length === 1 ? versions[0]!.schema : z.discriminatedUnion('schemaVersion', versions.map((v) => v.schema) as never),
  );
  return z.discriminatedUnion('type', options as never).meta({ id: 'Event', description: 'An event as a producer publishes it: the envelope and the data of its type and version.' });
})();
