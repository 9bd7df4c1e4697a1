import { describe, expect, it } from 'vitest';
import { uuidv7 } from './ids.ts';

describe('uuidv7', () => {
  it('is an RFC 9562 version 7 UUID carrying the millisecond timestamp', () => {
    const at = new Date('2025-05-06T07:08:09.010Z');
    const id = uuidv7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(at.getTime());
  });

  it('sorts by time and is deterministic given the random bytes', () => {
    const bytes = new Uint8Array(10).fill(7);
    expect(uuidv7(new Date(1000), bytes)).toBe(uuidv7(new Date(1000), bytes));
    expect(uuidv7(new Date(1000), bytes) < uuidv7(new Date(2000), bytes)).toBe(true);
  });
});
