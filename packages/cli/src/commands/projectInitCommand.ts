import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { CliError, CliErrorCode } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { projectionModuleTemplate, projectionTestTemplate } from './projectTemplates.ts';

const require = createRequire(import.meta.url);

/** Where a package of this installation is, or undefined when it is not installed (a dev dependency left out). */
const installed = (name: string): string | undefined => {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
};

/** The node_modules/@roc-ledger folder this command's own imports resolve from, found as Node finds it. */
const ownScope = (): string => {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    const scope = join(dir, 'node_modules', '@roc-ledger');
    if (existsSync(scope)) return scope;
    if (dirname(dir) === dir) throw new Error(`no node_modules/@roc-ledger above ${import.meta.dirname}`);
  }
};

/**
 * Every export of roc-ledger's own packages, as a TypeScript path to its source: an editor and tsc
 * in a folder outside the installation see the very types the runtime runs (handlers typed by
 * event type), where Node resolves the same imports through project run's hook.
 */
const ownPackagePaths = (): Record<string, string[]> => {
  const scope = ownScope();
  const paths: Record<string, string[]> = {};
  for (const entry of readdirSync(scope).sort()) {
    const folder = realpathSync(join(scope, entry));
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, string> };
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) paths[`${manifest.name}${subpath.slice(1)}`] = [join(folder, target)];
  }
  return paths;
};

const tsconfig = (types: string | undefined) => ({
  compilerOptions: {
    target: 'es2024',
    lib: ['es2024', 'ESNext.Collection', 'ESNext.Iterator'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    erasableSyntaxOnly: true,
    ...(types ? { typeRoots: [dirname(types)], types: ['node'] } : {}),
    paths: ownPackagePaths(),
  },
  include: ['**/*.ts'],
  exclude: ['node_modules'],
});

/** A projection name (a-z 0-9 -) from a folder's name. */
const nameFrom = (folder: string): string =>
  basename(folder)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64) || 'my-projection';

/**
 * `project init <dir>`: a folder of an analyst's own with a projection module to start from, its
 * given/when/then tests, and a tsconfig.json that types roc-ledger's imports from this
 * installation. Writes nothing over an existing file.
 */
export const projectInitCommand = async (dir: string, options: { name?: string }): Promise<number> => {
  const folder = resolve(dir);
  const name = options.name ?? nameFrom(folder);
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(name)) throw new CliError(CliErrorCode.invalidProjectName, `--name ${JSON.stringify(name)}: use 1-64 of a-z 0-9 and -, starting with a letter or digit`);
  const types = installed('@types/node');
  const files: [string, string][] = [
    ['package.json', `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`],
    ['tsconfig.json', `${JSON.stringify(tsconfig(types), null, 2)}\n`],
    [`${name}.ts`, projectionModuleTemplate(name)],
    [`${name}.test.ts`, projectionTestTemplate(name)],
  ];
  const taken = files.map(([file]) => join(folder, file)).filter((path) => existsSync(path));
  if (taken.length > 0) throw new CliError(CliErrorCode.fileExists, `not overwriting ${taken.join(', ')}: choose another folder or --name`);
  mkdirSync(folder, { recursive: true });
  for (const [file, text] of files) writeFileSync(join(folder, file), text);
  const shown = relative(process.cwd(), folder) || '.';
  const typescript = installed('typescript');
  const lines = [
    `wrote ${files.map(([file]) => join(shown, file)).join(', ')}`,
    `test it:       roc-ledger project test ${shown}`,
    `run it:        roc-ledger project run ${join(shown, `${name}.ts`)} --out ${name}.csv`,
    typescript ? `type-check:    ${process.execPath} ${join(typescript, 'bin', 'tsc')} -p ${shown}` : `type-check:    install TypeScript (npm install -g typescript), then tsc -p ${shown}`,
  ];
  if (!types) lines.push('(@types/node is not installed here: tsc will not know node:test; npm install --save-dev @types/node in the folder)');
  process.stdout.write(`${lines.join('\n')}\n`);
  return ExitCode.ok;
};
