import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateCatalogue } from './jsonSchema.ts';

const dir = join(import.meta.dirname, '..', '..', '..', 'docs', 'events');

describe('docs/events catalogue', () => {
  it('matches the zod schemas file for file (run `npm run catalogue` after changing a schema)', () => {
    const generated = generateCatalogue();
    expect(readdirSync(dir).sort()).toEqual(generated.map((f) => f.path).sort());
    for (const file of generated) expect(readFileSync(join(dir, file.path), 'utf8'), file.path).toBe(file.content);
  });

  it('marks personal data fields in the published schema', () => {
    const profile = JSON.parse(generateCatalogue().find((f) => f.path === 'ProfileUpdated.v1.schema.json')!.content);
    expect(profile.properties.data.properties.givenName.personalData).toBe(true);
    expect(profile.properties.data.properties.address.properties.country.personalData).toBeUndefined();
  });
});
