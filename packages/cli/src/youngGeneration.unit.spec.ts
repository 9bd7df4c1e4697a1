import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// Each case in a process of its own: V8's flags are process-wide, and the new space a test
// process has already grown would not grow again.
const newSpaceAfter = (steps: string[], nodeFlags: string[] = []): number[] => {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { withYoungGenerationHeld } from ${JSON.stringify(new URL('./youngGeneration.ts', import.meta.url).href)};
    const newSpace = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    const kept = [];
    // What the identity index does: a little kept per item, much garbage around it.
    const build = async () => { for (let i = 0; i < 1_500_000; i++) { kept.push({ id: 'c' + i, at: i }); JSON.parse('{"garbage":[1,2,3]}'); } };
    const sizes = [newSpace()];
    for (const step of ${JSON.stringify(steps)}) {
      await (step === 'held' ? withYoungGenerationHeld(build) : build());
      sizes.push(newSpace());
    }
    console.log(JSON.stringify(sizes));
  `;
  const child = spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as number[];
};

describe('withYoungGenerationHeld', () => {
  // Without the hold the same work grows the new space from 1 MB to V8's most, 128 MB; held, V8 doubled it once.
  it('keeps the new space from growing while the work builds its state, and lets it grow again afterwards', () => {
    const [start, held, heldAgain, after] = newSpaceAfter(['held', 'held', 'free']);
    expect(held).toBeLessThanOrEqual(2 * start!);
    expect(heldAgain).toBe(held);
    expect(after).toBeGreaterThanOrEqual(16 * start!);
  });

  it('grows it without the hold, the same work (what the hold prevents)', () => {
    const [start, free] = newSpaceAfter(['free']);
    expect(free).toBeGreaterThanOrEqual(16 * start!);
  });

  it("leaves the factor to the user who gave node one", () => {
    const [start, held] = newSpaceAfter(['held'], ['--semi-space-growth-factor=2']);
    expect(held).toBeGreaterThanOrEqual(16 * start!);
  });
});
