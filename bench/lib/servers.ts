import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'roc-ledger.js');

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a process and waits for the line that carries its URL. */
export const startProcess = async (args: string[], urlPattern: RegExp, env: NodeJS.ProcessEnv = process.env): Promise<ServerProcess> => {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
  const exited = once(child, 'exit');
  let url = '';
  for await (const line of createInterface({ input: child.stderr! })) {
    const match = urlPattern.exec(line);
    if (match) {
      url = match[1]!;
      break;
    }
  }
  if (!url) throw new Error(`${args.join(' ')} did not start`);
  child.stderr!.resume();
  return {
    url,
    child,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
};

/** `roc-ledger serve` on a data directory, with a key allowed every channel. */
export const startLedgerServer = async (dataDir: string, extra: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<ServerProcess & { key: string }> => {
  const key = spawnSync(process.execPath, [bin, '--data-dir', dataDir, 'keys', 'create', '--id', 'bench', '--scope', 'admin'], { encoding: 'utf8', env }).stdout.trim();
  const server = await startProcess([bin, '--data-dir', dataDir, 'serve', '--port', '0', ...extra], /listening on (http:\/\/\S+)/, env);
  return { ...server, key };
};
