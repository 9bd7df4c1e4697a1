import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const child = join(import.meta.dirname, 'openRace.child.ts');

describe('opening a new ledger from several processes at once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'roc-ledger-open-race-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('succeeds in every process: none is refused because another is creating the file', async () => {
    // Without retrying, about one open in seven failed here ("database is locked" switching to WAL).
    const startAt = Date.now() + 1500;
    const children = Array.from({ length: 3 }, () => fork(child, [dir, String(startAt), '30', '40']));
    const failures = await Promise.all(children.map((c) => new Promise<string[]>((resolve) => c.once('message', (m) => resolve(m as string[])))));
    expect(failures.flat()).toEqual([]);
  }, 30_000);
});
