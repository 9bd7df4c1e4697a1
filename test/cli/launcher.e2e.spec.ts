import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; optionalDependencies: Record<string, string> };
const platformPackage = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;

/** The first node on the PATH that is not one npm installed (what a plain shell runs), else this one. */
const shellNode = (): string => {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir && !dir.includes('node_modules'));
  return dirs.map((dir) => join(dir, process.platform === 'win32' ? 'node.exe' : 'node')).find((file) => existsSync(file)) ?? process.execPath;
};

describe('the Node 24 the project installs', () => {
  it("is this platform's package, at the version package.json pins, and npm scripts run under it", () => {
    expect(manifest.optionalDependencies[platformPackage]).toMatch(/^24\.\d+\.\d+$/);
    expect(process.version).toBe(`v${manifest.optionalDependencies[platformPackage]}`);
    const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
    expect(spawnSync(bin, ['--version'], { encoding: 'utf8', shell: process.platform === 'win32' }).stdout.trim()).toBe(process.version);
  });

  it('runs `roc-ledger` from a shell whose node is another (older) one, by re-running it under Node 24', () => {
    const node = shellNode();
    const result = spawnSync(node, [join(root, 'bin', 'roc-ledger.js'), '--version'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(manifest.version);
  });
});
