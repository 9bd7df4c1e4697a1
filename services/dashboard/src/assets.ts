import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'amaro';

export interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
  /** A strong validator: the SHA-256 of the body. */
  readonly etag: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.ts': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));
const require = createRequire(import.meta.url);
/** The chart library, from the installed package: nothing is fetched from a CDN. */
const VENDOR: Readonly<Record<string, string>> = {
  'vendor/uPlot.esm.js': require.resolve('uplot/dist/uPlot.esm.js'),
  'vendor/uPlot.min.css': require.resolve('uplot/dist/uPlot.min.css'),
};

const asset = (body: Buffer, contentType: string): Asset => ({ body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url')}"` });

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));

/**
 * The dashboard's files by path under /dashboard/, built once from the repository: the pages and
 * styles as they are, the browser modules (TypeScript with erasable syntax only) with their types
 * stripped by amaro, Node's own type stripper, and uPlot from node_modules. Type declarations and
 * the tsconfig are not served.
 */
export const buildAssets = (): ReadonlyMap<string, Asset> => {
  const assets = new Map<string, Asset>();
  for (const file of filesUnder(PUBLIC_DIR)) {
    const path = relative(PUBLIC_DIR, file).split(sep).join('/');
    const type = CONTENT_TYPES[extname(file)];
    if (!type || file.endsWith('.d.ts')) continue;
    const source = readFileSync(file);
    const body = extname(file) === '.ts' ? Buffer.from(transformSync(source.toString('utf8'), { mode: 'strip-only' }).code) : source;
    assets.set(path, asset(body, type));
  }
  for (const [path, file] of Object.entries(VENDOR)) assets.set(path, asset(readFileSync(file), CONTENT_TYPES[extname(file)]!));
  return assets;
};
