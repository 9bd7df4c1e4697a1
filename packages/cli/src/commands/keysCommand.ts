import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createApiKey, SCOPES, type ApiKeyRecord, type Scope } from '@roc-ledger/api';
import { resolveDataDir } from '../config.ts';
import { CliError, CliErrorCode } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { apiKeysFile } from './serveCommand.ts';

/** Creates an API key: prints it once, stores only its hash in <data-dir>/api-keys.json. */
export const keysCreateCommand = async (options: { dataDir?: string; id: string; name?: string; scope: string[] }): Promise<number> => {
  const bad = options.scope.filter((s) => !SCOPES.includes(s as Scope));
  if (bad.length > 0) throw new CliError(CliErrorCode.invalidScope, `unknown scope(s) ${bad.join(', ')}; known: ${SCOPES.join(', ')}`);
  const file = apiKeysFile(resolveDataDir(options.dataDir));
  const existing: ApiKeyRecord[] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).keys : [];
  if (existing.some((k) => k.id === options.id)) throw new CliError(CliErrorCode.invalidScope, `a key with id ${options.id} exists already`);
  const { key, record } = createApiKey(options.id, options.name ?? options.id, options.scope as Scope[]);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ keys: [...existing, record] }, null, 2)}\n`, { mode: 0o600 });
  process.stdout.write(`${key}\n`);
  process.stderr.write(`roc-ledger: key ${options.id} (${options.scope.join(', ')}) added to ${file}; it is shown only now\n`);
  return ExitCode.ok;
};
