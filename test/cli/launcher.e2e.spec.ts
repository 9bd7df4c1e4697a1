import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

  it('says what to install when started by a node older than 24 where no Node package is installed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roc-ledger-launcher-'));
    try {
      // This node, reporting itself as Node 20; the launcher alone, with no node_modules beside it.
      const old = join(dir, 'old-node.mjs');
      writeFileSync(old, "Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '20.0.0' } });\nObject.defineProperty(process, 'version', { value: 'v20.0.0' });\n");
      mkdirSync(join(dir, 'bin'));
      copyFileSync(join(root, 'bin', 'roc-ledger.js'), join(dir, 'bin', 'roc-ledger.js'));
      const alone = spawnSync(process.execPath, ['--import', old, join(dir, 'bin', 'roc-ledger.js'), '--version'], { encoding: 'utf8' });
      expect(alone.status).toBe(1);
      expect(alone.stderr).toContain('roc-ledger needs Node 24 or later (this is v20.0.0)');
      expect(alone.stderr).toContain('install Node 24 first');
      // The same old node in the project re-runs the command under the project's Node 24.
      const inProject = spawnSync(process.execPath, ['--import', old, join(root, 'bin', 'roc-ledger.js'), '--version'], { encoding: 'utf8' });
      expect(inProject.stderr).toBe('');
      expect(inProject.stdout.trim()).toBe(manifest.version);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs `roc-ledger` from a shell whose node is another (older) one, by re-running it under Node 24', () => {
    const node = shellNode();
    const result = spawnSync(node, [join(root, 'bin', 'roc-ledger.js'), '--version'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(manifest.version);
  });
});
