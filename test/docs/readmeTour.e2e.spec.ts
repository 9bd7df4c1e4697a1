// The README's five-minute tour, run as written, in bash, on the ledger `npm start` makes: every
// command must succeed, and every HTTP call must answer 2xx. `npx roc-ledger` runs bin/roc-ledger.js
// (npx would not find the project from the temporary directory), `open URL` is fetched with curl,
// and the service listens on a free port instead of 8080. The separate-services line at the end
// (a projector on PostgreSQL, run in the background) is left out: test/operations/roles.e2e.spec.ts
// runs the roles.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const startScript = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;

/**
 * A line of shell without its comment, given the quote open at its start (inside quotes, # is
 * text); and the quote still open at its end.
 */
const withoutComment = (line: string, quote: string | null): [string, string | null] => {
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
      return [line.slice(0, i).trimEnd(), null];
    }
  }
  return [line, quote];
};

/** The tour's commands, each as bash reads it (over several lines after a backslash or inside quotes), without comments. */
const tourCommands = (): string[] => {
  const block = /## A five-minute tour\s+```sh\n([\s\S]*?)\n```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no sh block under "A five-minute tour"');
  const commands: string[] = [];
  let pending = '';
  let quote: string | null = null;
  for (const line of block.split('\n')) {
    const [code, open] = withoutComment(line, quote);
    quote = open;
    if (pending === '' && code.trim() === '') continue;
    pending += `${code}\n`;
    if (quote || code.endsWith('\\')) continue;
    commands.push(pending.trim());
    pending = '';
  }
  return commands;
};

/** A word bash reads as exactly this text. */
const shellQuoted = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** The tour as a bash script for this run: the command, a free port, curl failing on HTTP errors. */
const script = (dir: string, port: number): string => {
  // Job control (set -m), as in the shell a user types the tour into: `kill %1` stops serve's whole process group.
  const lines = ['set -euo pipefail -m', `roc() { "${process.execPath}" "${join(root, 'bin', 'roc-ledger.js')}" "$@"; }`, 'trap \'kill %1 2>/dev/null || true\' EXIT', `cd "${dir}"`];
  lines.push(startScript.replace(/^node bin\/roc-ledger\.js/, 'roc'));
  for (const command of tourCommands()) {
    if (command.startsWith('ROC_LEDGER_READ_MODELS_URL=')) continue;
    let line = command.replaceAll('npx roc-ledger', 'roc').replaceAll('localhost:8080', `127.0.0.1:${port}`).replaceAll('--port 8080', `--port ${port}`);
    line = line.replace(/^open (\S+)$/, 'curl -sSf $1 > /dev/null').replace(/^curl -s /, 'curl -sSf ');
    lines.push(`printf '%s\\n' ${shellQuoted(`+ ${line.split('\n')[0]!.replace(/\s*\\$/, ' …')}`)} >&2`, line);
    // Each step that starts the service waits until it is ready; each that stops it, until it has exited.
    if (/^roc serve .*&$/.test(line)) lines.push(`for _ in $(seq 1 240); do curl -sf 127.0.0.1:${port}/health/ready > /dev/null && break; sleep 0.5; done`);
    if (/^kill %1$/.test(line)) lines.push('wait %1 || true');
  }
  return `${lines.join('\n')}\n`;
};

describe("the README's five-minute tour", () => {
  const dir = mkdtempSync(join(tmpdir(), 'roc-ledger-tour-'));
  symlinkSync(join(root, 'examples'), join(dir, 'examples'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has the commands the tour describes', () => {
    const commands = tourCommands();
    expect(commands.filter((c) => c.startsWith('npx roc-ledger ')).length).toBeGreaterThanOrEqual(14);
    expect(commands.some((c) => /^npx roc-ledger serve .*&$/.test(c))).toBe(true);
    expect(commands.filter((c) => c.startsWith('curl ')).length).toBeGreaterThanOrEqual(3);
  });

  it('runs as written on the ledger npm start makes: every command succeeds, every HTTP call answers 2xx', async () => {
    const port = await freePort();
    const env = { ...process.env, ROC_LEDGER_DATA_DIR: join(dir, '.roc-ledger') };
    const run = spawnSync('bash', ['-c', script(dir, port)], { encoding: 'utf8', env, timeout: 240_000 });
    expect(run.status, `${run.stderr}\n${run.stdout.slice(-2000)}`).toBe(0);
    expect(run.stdout).toContain('verify: OK');
    expect(run.stderr).toContain('+ roc erase C0000007');
  }, 300_000);
});
