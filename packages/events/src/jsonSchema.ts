import { z } from 'zod';
import { allDefinitions, currentVersionOf } from './catalogue.ts';
import type { EventDefinition } from './defineEvent.ts';

export interface CatalogueFile {
  readonly path: string;
  readonly content: string;
}

const schemaOf = (definition: EventDefinition) =>
  z.toJSONSchema(definition.schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });

const fileName = (d: EventDefinition) => `${d.type}.v${d.schemaVersion}.schema.json`;

/** The docs/events/ catalogue: one JSON Schema per event type and version, and an index. Deterministic. */
export const generateCatalogue = (): CatalogueFile[] => {
  const files = allDefinitions.map((d) => ({
    path: fileName(d),
    content: `${JSON.stringify({ $id: `roc-ledger/events/${fileName(d)}`, ...schemaOf(d) }, null, 2)}\n`,
  }));
  const rows = [...allDefinitions]
    .sort((a, b) => a.type.localeCompare(b.type) || a.schemaVersion - b.schemaVersion)
    .map((d) => {
      const status = currentVersionOf.get(d.type) === d.schemaVersion ? 'current' : 'superseded (upcast on read)';
      return `| [${d.type}](${fileName(d)}) | ${d.schemaVersion} | ${status} | ${d.description} |`;
    });
  const index = [
    '# Event catalogue',
    '',
    'Generated from the zod schemas in `packages/events` by `npm run catalogue`; a test fails when it is out of date.',
    'Every event shares the envelope (eventId, type, schemaVersion, customer, channel, source, occurredAt,',
    'correlationId, causationId); the ledger adds recordedAt, globalPosition, streamRevision and hash.',
    'Fields marked `"personalData": true` hold personal data.',
    '',
    '| type | version | status | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  return [...files, { path: 'README.md', content: index }];
};
