import { z } from 'zod';
import { Channel, CustomerRef, Timestamp } from './primitives.ts';

/** Envelope fields a producer sets. The ledger adds recordedAt, globalPosition, streamRevision and hash. */
const producerEnvelope = {
  eventId: z
    .uuid()
    // The nil and max UUIDs are what an unset id looks like, never a unique one.
    .refine((id) => !/^(0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$/i.test(id), { message: 'the nil and max UUIDs are not unique ids' })
    .describe('Producer-chosen unique id and idempotency key (UUID; v7 recommended).'),
  customer: CustomerRef.describe('The customer as the producer knows them.'),
  channel: Channel,
  source: z.string().min(1).max(200).describe('Producing system, e.g. "pos-berlin-01".'),
  occurredAt: Timestamp.describe('Valid time: when it happened in the world.'),
  correlationId: z.string().min(1).max(200).optional(),
  causationId: z.string().min(1).max(200).optional(),
};

export const LEDGER_FIELDS = ['recordedAt', 'globalPosition', 'streamRevision', 'hash', 'streamId'] as const;

export interface EventDefinition<
  Type extends string = string,
  Version extends number = number,
  Data extends z.ZodType = z.ZodType,
> {
  readonly type: Type;
  readonly schemaVersion: Version;
  readonly description: string;
  readonly data: Data;
  readonly schema: z.ZodObject<{
    eventId: z.ZodUUID;
    type: z.ZodLiteral<Type>;
    schemaVersion: z.ZodLiteral<Version>;
    customer: typeof CustomerRef;
    channel: typeof Channel;
    source: z.ZodString;
    occurredAt: typeof Timestamp;
    correlationId: z.ZodOptional<z.ZodString>;
    causationId: z.ZodOptional<z.ZodString>;
    data: Data;
  }, z.core.$strict>;
}

export const defineEvent = <Type extends string, Version extends number, Data extends z.ZodType>(
  type: Type,
  schemaVersion: Version,
  description: string,
  data: Data,
): EventDefinition<Type, Version, Data> => ({
  type,
  schemaVersion,
  description,
  data,
  schema: z
    .strictObject({
      eventId: producerEnvelope.eventId,
      type: z.literal(type),
      schemaVersion: z.literal(schemaVersion),
      customer: producerEnvelope.customer,
      channel: producerEnvelope.channel,
      source: producerEnvelope.source,
      occurredAt: producerEnvelope.occurredAt,
      correlationId: producerEnvelope.correlationId,
      causationId: producerEnvelope.causationId,
      data,
    })
    .meta({ title: `${type} v${schemaVersion}`, description }),
});
