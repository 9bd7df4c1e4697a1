import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

export const bin = join(import.meta.dirname, '..', '..', 'bin', 'roc-ledger.js');

/** Runs the CLI to completion. */
export const cli = (dataDir: string, args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync(process.execPath, [bin, '--data-dir', dataDir, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });

export interface RunningService {
  readonly url: string;
  readonly process: ChildProcess;
  /** Everything the service wrote to stdout and stderr so far: its logs. */
  output(): string;
  /** SIGTERM, and the exit code. */
  stop(): Promise<number | null>;
}

/** `roc-ledger serve` on a free port, its logs captured; `args` adds options (a --role, say). */
export const startService = async (dataDir: string, env: NodeJS.ProcessEnv = {}, args: string[] = []): Promise<RunningService> => {
  const child = spawn(process.execPath, [bin, '--data-dir', dataDir, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const exited = once(child, 'exit');
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /(?:listening on|metrics on) (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`serve exited before listening:\n${output}`)));
  });
  return {
    url,
    process: child,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
  };
};
