// Writes docs/events/ (one JSON Schema per event type and version, and an index) and docs/asyncapi.json
// from the zod schemas.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCatalogue } from '@roc-ledger/events';
import { asyncApiDocument } from '@roc-ledger/kafka-ingest';

const dir = join(import.meta.dirname, '..', 'docs', 'events');
mkdirSync(dir, { recursive: true });
for (const old of readdirSync(dir)) rmSync(join(dir, old));
const files = generateCatalogue();
for (const file of files) writeFileSync(join(dir, file.path), file.content);
console.log(`wrote ${files.length} files to docs/events/`);

writeFileSync(join(import.meta.dirname, '..', 'docs', 'asyncapi.json'), `${JSON.stringify(asyncApiDocument(), null, 2)}\n`);
console.log('wrote docs/asyncapi.json');
