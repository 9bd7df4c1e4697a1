// Every route the API serves is documented somewhere in docs/ (the OpenAPI document is generated
// from the same schemas; this checks the prose reference keeps up): the route paths are read from
// the route modules' sources, as they are registered.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [join(dir, entry.name)] : [],
  );
const routes = [...new Set(sources(join(root, 'services', 'api', 'src')).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/'(\/(?:v1|health|metrics)[a-z0-9/:_-]*)'/gi)].map((m) => m[1]!)))]
  .filter((path) => !path.endsWith('/'))
  .sort();
const docs = readdirSync(join(root, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => readFileSync(join(root, 'docs', name), 'utf8'))
  .join('\n');

describe('the API reference in docs/', () => {
  it('finds the routes', () => {
    expect(routes).toContain('/v1/events');
    expect(routes).toContain('/v1/projections/:name/partitions/:partition');
    expect(routes.length).toBeGreaterThan(25);
  });

  it.each(routes)('documents %s', (path) => {
    // A parameter under any name, as registered (:customer, :id) or as OpenAPI writes it ({customer}); then the end of the path.
    const pattern = path
      .split(/(:\w+)/)
      .map((part) => (part.startsWith(':') ? '(?::\\w+|\\{\\w+\\})' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    expect(new RegExp(`${pattern}(?![a-z0-9/_-])`, 'i').test(docs)).toBe(true);
  });
});
