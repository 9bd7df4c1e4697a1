import { createApiKey, loadApiKeys, SCOPES, writeApiKeysFile, type ApiKeyRecord, type Scope } from '@roc-ledger/api';
import { dirname } from 'node:path';
import { makePrivateDir } from '@roc-ledger/store-sqlite';
import { resolveDataDir } from '../config.ts';
import { CliError, CliErrorCode } from '../errors.ts';
import { ExitCode } from '../exitCodes.ts';
import { apiKeysFile } from './serveCommand.ts';

/** The data directory's keys file and the keys in it (not ROC_LEDGER_API_KEYS: these commands edit the file). */
const keysOf = (dataDir: string | undefined): { file: string; keys: ApiKeyRecord[] } => {
  const file = apiKeysFile(resolveDataDir(dataDir));
  return { file, keys: loadApiKeys(file, {}) };
};

/** Services given their keys in the environment do not read the file: said where it would mislead. */
const noteEnvironmentKeys = () => {
  if (process.env.ROC_LEDGER_API_KEYS) process.stderr.write('roc-ledger: note: ROC_LEDGER_API_KEYS is set here; a service started with it reads its keys from it, not from this file\n');
};

/** Creates an API key: prints it once, stores only its hash in <data-dir>/api-keys.json. */
export const keysCreateCommand = async (options: { dataDir?: string; id: string; name?: string; scope: string[] }): Promise<number> => {
  const bad = options.scope.filter((s) => !SCOPES.includes(s as Scope));
  if (bad.length > 0) throw new CliError(CliErrorCode.invalidScope, `unknown scope(s) ${bad.join(', ')}; known: ${SCOPES.join(', ')}`);
  const { file, keys } = keysOf(options.dataDir);
  if (keys.some((k) => k.id === options.id)) throw new CliError(CliErrorCode.invalidScope, `a key with id ${options.id} exists already`);
  const { key, record } = createApiKey(options.id, options.name ?? options.id, options.scope as Scope[]);
  makePrivateDir(dirname(file));
  writeApiKeysFile(file, [...keys, record]);
  process.stdout.write(`${key}\n`);
  process.stderr.write(`roc-ledger: key ${options.id} (${options.scope.join(', ')}) added to ${file}; it is shown only now; a running service accepts it within a second\n`);
  noteEnvironmentKeys();
  return ExitCode.ok;
};

/** Lists the keys: id, name and scopes (a key itself is never stored, so never shown). */
export const keysListCommand = async (options: { dataDir?: string; json?: boolean }): Promise<number> => {
  const { keys } = keysOf(options.dataDir);
  const listed = keys.map(({ id, name, scopes }) => ({ id, name, scopes }));
  if (options.json) process.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
  else for (const k of listed) process.stdout.write(`${k.id}\t${k.scopes.join(' ')}\t${k.name}\n`);
  noteEnvironmentKeys();
  return ExitCode.ok;
};

/** Revokes a key: removed from the file, refused by a running service within a second. */
export const keysRevokeCommand = async (id: string, options: { dataDir?: string }): Promise<number> => {
  const { file, keys } = keysOf(options.dataDir);
  if (!keys.some((k) => k.id === id)) throw new CliError(CliErrorCode.unknownKey, `no key with id ${id} in ${file}${keys.length > 0 ? `; there are: ${keys.map((k) => k.id).join(', ')}` : ''}`);
  writeApiKeysFile(file, keys.filter((k) => k.id !== id));
  process.stderr.write(`roc-ledger: key ${id} revoked in ${file}; a running service refuses it within a second\n`);
  noteEnvironmentKeys();
  return ExitCode.ok;
};
