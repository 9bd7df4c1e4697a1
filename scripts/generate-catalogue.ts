// Writes docs/events/ from the zod schemas: one JSON Schema per event type and version, and an index.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCatalogue } from '@roc-ledger/events';

const dir = join(import.meta.dirname, '..', 'docs', 'events');
mkdirSync(dir, { recursive: true });
for (const old of readdirSync(dir)) rmSync(join(dir, old));
const files = generateCatalogue();
for (const file of files) writeFileSync(join(dir, file.path), file.content);
console.log(`wrote ${files.length} files to docs/events/`);
