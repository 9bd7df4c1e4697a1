import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CurrencyCode, RocLedgerError } from '@roc-ledger/events';
import { CliErrorCode } from './errors.ts';
import { ExitCode } from './exitCodes.ts';

/**
 * Each command's module is loaded when that command runs, not at every start: `serve` alone pulls
 * in fastify, kafkajs and the database drivers, and loading them all had made every command start
 * 0.4-0.7 s slower.
 */
const commands = {
  auditCommands: () => import('./commands/auditCommands.ts'),
  clvCommand: () => import('./commands/clvCommand.ts'),
  demoCommands: () => import('./commands/demoCommands.ts'),
  equityCommands: () => import('./commands/equityCommands.ts'),
  historyCommand: () => import('./commands/historyCommand.ts'),
  exportCommand: () => import('./commands/exportCommand.ts'),
  eraseCommand: () => import('./commands/eraseCommand.ts'),
  backupCommand: () => import('./commands/backupCommand.ts'),
  accessLogCommands: () => import('./commands/accessLogCommands.ts'),
  importCommand: () => import('./commands/importCommand.ts'),
  keysCommand: () => import('./commands/keysCommand.ts'),
  projectCommands: () => import('./commands/projectCommands.ts'),
  projectTestCommand: () => import('./commands/projectTestCommand.ts'),
  projectInitCommand: () => import('./commands/projectInitCommand.ts'),
  serveCommand: () => import('./commands/serveCommand.ts'),
  integrityCommands: () => import('./commands/integrityCommands.ts'),
  proofCommands: () => import('./commands/proofCommands.ts'),
  summary: () => import('./commands/summary.ts'),
};

const positiveInt = (flag: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`${flag} must be a positive whole number`);
  return n;
};
const currencyCode = (flag: string) => (value: string) => {
  if (!CurrencyCode.safeParse(value).success) throw new InvalidArgumentError(`${flag} must be an ISO 4217 currency code (EUR, JPY)`);
  return value;
};
const positiveNumber = (flag: string) => (value: string) => {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError(`${flag} must be a positive number`);
  return n;
};

const STORE_ERRORS = new Set<string>([CliErrorCode.noLedger, 'LEDGER_ERR_STORE_UNAVAILABLE', 'LEDGER_ERR_STORE_CORRUPT', 'LEDGER_ERR_CONFIG_MISMATCH', CliErrorCode.invalidConfig, 'HTTP_ERR_INVALID_API_KEYS', 'PRIVACY_ERR_KEYSTORE_UNAVAILABLE', 'PRIVACY_ERR_KEY_MISSING', 'PRIVACY_ERR_ACCESS_LOG_UNAVAILABLE', 'PRIVACY_ERR_LEDGER_SECRET_DESTROYED']);
const USAGE_ERRORS = new Set<string>([CliErrorCode.serviceRunning, CliErrorCode.invalidPurpose, CliErrorCode.invalidScope, CliErrorCode.invalidDate, CliErrorCode.invalidCustomer, 'LEDGER_ERR_INVALID_DIGEST', 'IDENTITY_ERR_JUNK_IDENTIFIER', 'IDENTITY_ERR_INVALID_PHONE', CliErrorCode.invalidOutput, CliErrorCode.invalidProof, CliErrorCode.noTestFile, CliErrorCode.fileExists, CliErrorCode.invalidProjectName, CliErrorCode.unknownEventType, 'PROJ_ERR_MODULE_INVALID', 'PROJ_ERR_INVALID_PROJECTION', 'EQUITY_ERR_MODELS_UNAVAILABLE']);

export const exitCodeFor = (error: unknown): number => {
  const code = (error as RocLedgerError).code;
  if (STORE_ERRORS.has(code)) return ExitCode.storeError;
  if (USAGE_ERRORS.has(code)) return ExitCode.usage;
  if (code === CliErrorCode.customerNotFound || code === CliErrorCode.unknownKey) return ExitCode.notFound;
  return ExitCode.internalError;
};

/** The product's version: the repository's package.json, which bin/roc-ledger.js runs from. */
const version = (): string => (JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

export const buildProgram = (setExit: (code: number) => void): Command => {
  const program = new Command('roc-ledger')
    .description('An event-sourced customer-relationship ledger: append interactions, replay history, prove integrity.')
    .version(version(), '-V, --version', 'print the version')
    .addOption(new Option('-d, --data-dir <dir>', 'ledger data directory (default ./.roc-ledger)').env('ROC_LEDGER_DATA_DIR'))
    .addOption(new Option('--purpose <purpose>', 'why personal data is read, recorded in the access log (default cli)').env('ROC_LEDGER_ACCESS_PURPOSE'))
    .exitOverride()
    .showHelpAfterError();

  const run = (command: (...args: any[]) => Promise<number>) =>
    async (...args: any[]) => {
      const cmd = args.at(-1) as Command;
      setExit(await command(...args.slice(0, -2), { ...cmd.optsWithGlobals() }));
    };

  program
    .command('import')
    .description('append NDJSON envelope events, one per line; bad lines are reported and skipped')
    .argument('<file>', "an NDJSON file, or '-' for standard input")
    .option('--json', 'print the summary as JSON')
    .action(run(async (file: string, opts) => (await commands.importCommand()).importCommand(file, opts)));

  program
    .command('history')
    .description("one customer's events by valid time")
    .argument('<customer>', 'a customer id, or <email|phone|loyaltyCard|webVisitorId>:<value>')
    .option('--as-of <date>', 'only events that happened by then (valid time)')
    .option('--known-at <date>', 'only events the ledger had recorded by then (transaction time)')
    .option('--json', 'print the events as JSON')
    .action(run(async (customer: string, opts) => (await commands.historyCommand()).historyCommand(customer, opts)));

  program
    .command('export')
    .description('the log as NDJSON, one event a line in log order, personal values withheld: for DuckDB, pandas or a warehouse')
    .option('-o, --out <file>', 'write to a file (created readable by its owner only) instead of standard output')
    .option('--types <list>', 'only these event types, comma-separated (PurchaseMade,RefundIssued)')
    .option('--as-of <date>', 'only events that happened by then (valid time)')
    .option('--known-at <date>', 'only events the ledger had recorded by then (transaction time)')
    .action(run(async (opts) => (await commands.exportCommand()).exportCommand(opts)));

  const accessLog = program.command('access-log').description('who read whose personal data, when and why: the hash-chained access log');
  accessLog
    .command('list')
    .description("who read whose personal data, when and why: the access log's entries, oldest first")
    .option('--customer <id>', 'one customer id')
    .option('--actor <actor>', 'an API key id, or cli:<user>')
    .option('--filter-purpose <purpose>', 'one purpose')
    .option('--from <date>', 'entries at or after')
    .option('--to <date>', 'entries at or before')
    .option('--after <position>', 'entries after this position (paging)', positiveInt('--after'))
    .option('--limit <n>', 'at most this many (default 1000)', positiveInt('--limit'))
    .option('--json', 'print the entries as JSON')
    .action(run(async (opts) => (await commands.accessLogCommands()).accessLogListCommand({ ...opts, purpose: opts.filterPurpose })));
  accessLog
    .command('verify')
    .description("walk the access log's hash chain; exit 4 naming the first entry that does not check out")
    .option('--json', 'print the result as JSON')
    .action(run(async (opts) => (await commands.accessLogCommands()).accessLogVerifyCommand(opts)));

  program
    .command('backup')
    .description('copy the event store, access log and settings while the service runs, and verify the copy; the key store only to --keys-out')
    .requiredOption('--out <dir>', 'where the copy goes')
    .option('--keys-out <dir>', 'where the key store goes: somewhere else, kept for a shorter time')
    .option('--json', 'print the result as JSON')
    .action(run(async (opts) => (await commands.backupCommand()).backupCommand(opts)));

  program
    .command('erase')
    .description("erase a customer's personal data: destroy their keys, record CustomerErased, refold the read models")
    .argument('<customer>', 'a customer id, or <email|phone|loyaltyCard|webVisitorId>:<value>')
    .addOption(new Option('--basis <basis>', 'why').choices(['customer-request', 'retention-expired', 'legal-order', 'other']).default('customer-request'))
    .option('--reference <id>', 'the request or ticket id, recorded with the erasure (not personal data)')
    .option('--json', 'print the result as JSON')
    .action(run(async (customer: string, opts) => (await commands.eraseCommand()).eraseCommand(customer, opts)));

  program
    .command('verify')
    .description('walk the hash chain; exit 4 naming the first position that does not check out')
    .option('--against <digest>', 'also prove the log still contains this earlier digest (JSON, file, or <position>:<hash>)')
    .option('--json', 'print the result as JSON')
    .action(run(async (opts) => (await commands.integrityCommands()).verifyCommand(opts)));

  program
    .command('digest')
    .description('print the head of the chain (position and hash) for an auditor to keep')
    .option('--short', 'print <position>:<hash>')
    .option('--merkle', 'the Merkle root (RFC 9162) instead of the chain head')
    .option('--sign', "with --merkle: signed with the ledger's Ed25519 key (<data-dir>/signing-key.pem, created on first use)")
    .option('--public-key', 'with --sign: also print the public key (PEM) on standard error')
    .option('--size <n>', 'with --merkle: the tree of the first n events', positiveInt('--size'))
    .action(run(async (opts) => (opts.merkle ? (await commands.proofCommands()).merkleDigestCommand(opts) : (await commands.integrityCommands()).digestCommand(opts))));
  const audit = program.command('audit').description('audit bundles (one customer, proven against a signed digest) and proofs, checked offline');
  audit
    .command('bundle')
    .description("one customer's events with inclusion proofs against a signed Merkle digest, and the projections' states, for an auditor to check offline")
    .argument('<customer>', 'a customer id or <kind>:<value>')
    .option('--as-of <date>', 'the projections as of then (default: the newest event)')
    .requiredOption('--out <file>', 'where to write the bundle (JSON)')
    .action(run(async (customer: string, opts) => (await commands.auditCommands()).auditBundleCommand(customer, opts)));
  audit
    .command('check')
    .description('check a bundle, or an inclusion or consistency proof, offline; exit 4 naming each check that fails')
    .argument('<file>', 'a bundle written by audit bundle, or a proof from GET /v1/audit/proof or /v1/audit/consistency')
    .option('--public-key <pem>', "the ledger's public key, to pin (digest --merkle --sign --public-key prints it); needed for a proof")
    .option('--against <digest>', 'with a consistency proof: the signed digest kept earlier (digest --merkle --sign, or GET /v1/audit/digest), which the earlier tree must be')
    .option('--json', 'print every check as JSON')
    .action(run(async (file: string, opts) => (await commands.auditCommands()).auditCheckCommand(file, opts)));
  program
    .command('prove')
    .description("Merkle proofs (RFC 9162): an event's inclusion, or a later tree's consistency with an earlier one")
    .argument('[eventId]', 'the event to prove included')
    .option('--size <n>', 'in the tree of the first n events (default: the whole log)', positiveInt('--size'))
    .option('--consistency <m>', 'prove the tree of --size extends the tree of the first m events', positiveInt('--consistency'))
    .action(run(async (eventId: string | undefined, opts) => (await commands.proofCommands()).proveCommand(eventId, opts)));

  program
    .command('summary')
    .description('events by channel and type, customers, late arrivals')
    .option('--json', 'print as JSON')
    .action(run(async (opts) => (await commands.summary()).summaryCommand(opts)));

  program
    .command('serve')
    .description('run the HTTP ingest and query API on the embedded store (SIGTERM shuts it down gracefully)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', (v) => Number(v), 8080)
    .option('--max-batch <n>', 'most events in one batch request', positiveInt('--max-batch'))
    .option('--body-limit <bytes>', 'largest request body', positiveInt('--body-limit'))
    .option('--kafka', 'also consume the channel topics (a consumer group; see docs/channels.md)')
    .addOption(new Option('--kafka-brokers <list>', 'comma-separated bootstrap brokers (default 127.0.0.1:9092)').env('KAFKA_BROKERS'))
    .option('--kafka-topic-prefix <prefix>', 'topics are <prefix>.<channel> and <prefix>.dead-letter', 'roc-ledger.events')
    .option('--kafka-group <id>', 'consumer group id', 'roc-ledger-ingest')
    .option('--verify-every <minutes>', 'walk the hash chain at start and then every so many minutes (the dashboard shows the latest result)', positiveInt('--verify-every'), 15)
    .addOption(
      new Option('--role <role>', 'all: everything in one process; api: HTTP ingest and queries; ingest: the Kafka consumer; projector: folds the projections (api and projector need PostgreSQL read models; see docs/operations.md)')
        .choices(['all', 'api', 'ingest', 'projector'])
        .default('all'),
    )
    .option('--shards <n>', 'projector: split the customers this many ways among the projector instances (the same on all)', positiveInt('--shards'), 1)
    .option('--instance <name>', 'projector: this instance\'s name among the others (default host:pid)')
    .option('--lease-ttl <seconds>', "projector: how long a dead instance's shards wait before another takes them", positiveInt('--lease-ttl'), 15)
    .action(run(async ({ verifyEvery, leaseTtl, ...opts }) => (await commands.serveCommand()).serveCommand({ ...opts, verifyEveryMinutes: verifyEvery, leaseTtlSeconds: leaseTtl })));

  const keys = program.command('keys').description('API keys, in <data-dir>/api-keys.json; a running service follows changes within a second');
  keys
    .command('create')
    .description('create an API key; prints it once and stores only its hash in <data-dir>/api-keys.json')
    .requiredOption('--id <id>', 'key id, shown in logs (a-z 0-9 -)')
    .option('--name <name>', 'what the key is for')
    .requiredOption('--scope <scope...>', 'ingest:<channel>, read, audit, admin')
    .action(run(async (opts) => (await commands.keysCommand()).keysCreateCommand(opts)));
  keys
    .command('list')
    .description('list the keys: id, scopes, name (the keys themselves are not stored)')
    .option('--json', 'print as JSON')
    .action(run(async (opts) => (await commands.keysCommand()).keysListCommand(opts)));
  keys
    .command('revoke')
    .description('revoke a key: a running service refuses it within a second')
    .argument('<id>', 'the key id')
    .action(run(async (id: string, opts) => (await commands.keysCommand()).keysRevokeCommand(id, opts)));

  const project = program.command('project').description("projections: run an analyst's module over all history, compare versions, register with the service");
  project
    .command('run')
    .description('fold a projection (a module path, or customer-view / trust-score) over all history, with progress, and write its result')
    .argument('<module>', 'path to a .ts/.js module exporting a projection definition, or a built-in name')
    .option('--as-of <date>', 'only events that happened by then (valid time)')
    .option('--known-at <date>', 'only events the ledger had recorded by then (transaction time)')
    .option('--out <file>', 'write .json, .csv or .ndjson (by extension); default NDJSON to standard output')
    .option('--threads <n>', 'fold a per-customer projection on this many threads, each for a shard of the customers (default: one per core, at most 8, from 100,000 events; 1: on this thread)', positiveInt('--threads'))
    .action(run(async (module: string, opts) => (await commands.projectCommands()).projectRunCommand(module, opts)));
  project
    .command('diff')
    .description('fold two projections (two versions) over the same history and compare their states; exit 7 when they differ')
    .argument('<a>', 'module path or built-in name')
    .argument('<b>', 'module path or built-in name')
    .option('--limit <n>', 'differences to show', positiveInt('--limit'), 10)
    .option('--json', 'print the comparison as JSON')
    .option('--threads <n>', 'fold two per-customer projections on this many threads, each for a shard of the customers (default: one per core, at most 8, from 100,000 events; 1: on this thread)', positiveInt('--threads'))
    .action(run(async (a: string, b: string, opts) => (await commands.projectCommands()).projectDiffCommand(a, b, opts)));
  project
    .command('init')
    .description("start a projection of your own in a folder: a module, its given/when/then tests, and a tsconfig.json typing roc-ledger's imports from this installation")
    .argument('<dir>', 'the folder (created if missing; no file in it is overwritten)')
    .option('--name <name>', "the projection's name (default: from the folder's name)")
    .action(run(async (dir: string, opts) => (await commands.projectInitCommand()).projectInitCommand(dir, opts)));
  project
    .command('test')
    .description("run given/when/then tests of projections (node:test files, anywhere: @roc-ledger imports resolve to this installation); exit 8 when one fails or none runs")
    .argument('<files...>', 'test files (.ts/.js) written with node:test')
    .action(run(async (files: string[]) => (await commands.projectTestCommand()).projectTestCommand(files)));
  /** The running service a command asks, with an admin key. */
  const askingService = (command: Command) => command.option('--url <url>', 'the service', 'http://127.0.0.1:8080').option('--api-key <key>', 'an admin key (default: $ROC_LEDGER_API_KEY)');
  askingService(
    project
      .command('add')
      .description('register a module with the running service: it backfills, then keeps up with new events (admin scope)')
      .argument('<module>', 'path to the module, readable by the service'),
  ).action(run(async (module: string, opts) => (await commands.projectCommands()).projectAddCommand(module, opts)));
  askingService(
    project
      .command('remove')
      .description("stop an analyst's projection in the running service, remove its states and unregister its module (admin scope)")
      .argument('<name>', 'the projection name (not a built-in one)'),
  ).action(run(async (name: string, opts) => (await commands.projectCommands()).projectRemoveCommand(name, opts)));
  project
    .command('status')
    .description("each projection version's status, checkpoint and lag behind the log")
    .option('--json', 'print as JSON')
    .action(run(async (opts) => (await commands.projectCommands()).projectStatusCommand(opts)));

  program
    .command('clv')
    .description('customer lifetime-value models')
    .command('fit')
    .description("fit BG/NBD and Gamma-Gamma on the ledger's purchases (weeks), with in-sample checks")
    .option('--as-of <date>', 'purchases made by then; the end of the observation (default now)')
    .option('--known-at <date>', 'only purchases the ledger had recorded by then')
    .option('--json', 'print as JSON')
    .action(run(async (opts) => (await commands.clvCommand()).clvFitCommand(opts)));

  const seriesFlags = (cmd: Command) =>
    cmd
      .option('--period <unit>', 'week, month, quarter or year', 'month')
      .option('--from <date>', 'periods starting on or after')
      .option('--to <date>', 'periods starting on or before')
      .option('--as-of <date>', 'as things had happened by then (valid time)')
      .option('--known-at <date>', 'as the ledger believed it then (transaction time)')
      .option('--segment <by>', 'acquisition-channel, main-channel or trust-band')
      .option('--trust-adjustment <strength>', "adjust each customer's expected purchases by trust: × (1 + strength × (score − 50) / 50)", positiveNumber('--trust-adjustment'))
      .option('--customer <customer>', "one customer's own equity per period (a customer id or <kind>:<value>)")
      .option('--pin-models-at <date>', 'value every period with the models fitted up to this date, instead of refitting at each period end')
      .option('--format <f>', 'table, csv or json', 'table');
  seriesFlags(program.command('equity').description('customer equity at each period end, from the log (docs/roc.md)')).action(run(async (opts) => (await commands.equityCommands()).equityCommand('equity', opts)));
  seriesFlags(program.command('roc').description('Return on Customer per period, from the log (docs/roc.md)')).action(run(async (opts) => (await commands.equityCommands()).equityCommand('roc', opts)));
  program
    .command('restatements')
    .description('past equity and ROC figures restated as late events arrived (recorded by serve)')
    .option('--period <unit>', 'week, month, quarter or year', 'month')
    .option('--format <f>', 'table, csv or json', 'table')
    .action(run(async (opts) => (await commands.equityCommands()).restatementsCommand(opts)));

  const demo = program.command('demo').description('deterministic simulated customer histories');
  const demoFlags = (cmd: Command) =>
    cmd
      .option('--customers <n>', 'customers to simulate', positiveInt('--customers'), 1000)
      .option('--years <y>', 'years of history', positiveNumber('--years'), 3)
      .option('--seed <s>', 'random seed; the same seed gives the same events', '42')
      .option('--start <date>', 'first day of the history (UTC)', '2023-01-01');
  demoFlags(demo.command('generate').description('write the history as NDJSON'))
    .option('-o, --out <file>', 'write to a file instead of standard output')
    .option('--currency <code>', 'ISO 4217 currency of every amount, for a ledger reporting in it', currencyCode('--currency'), 'EUR')
    .action(run(async (opts) => (await commands.demoCommands()).demoGenerateCommand(opts)));
  demoFlags(demo.command('load').description('generate a history, import it as if it arrived over time, print a summary and verify'))
    .action(run(async (opts) => (await commands.demoCommands()).demoLoadCommand(opts)));

  return program;
};

/** Runs the CLI and returns the process exit code. */
export const main = async (argv: readonly string[]): Promise<number> => {
  let exitCode: number = ExitCode.ok;
  const program = buildProgram((code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const code = (error as RocLedgerError).code;
    process.stderr.write(`roc-ledger: ${code ? `${code}: ` : ''}${(error as Error).message}\n`);
    return exitCodeFor(error);
  }
};
