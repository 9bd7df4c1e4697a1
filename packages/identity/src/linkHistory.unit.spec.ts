import { describe, expect, it } from 'vitest';
import { LinkHistory } from './linkHistory.ts';

const at = (day: number) => ({ occurredMs: day * 86_400_000, recordedMs: day * 86_400_000 });

describe('link history', () => {
  it('places a link told late by its position; a link told twice changes nothing', () => {
    const history = new LinkHistory();
    history.link('email:a', 'C2', 20, at(2));
    history.link('email:a', 'C1', 10, at(1)); // applied after the later one (its append resolved later)
    history.link('email:a', 'C2', 20, at(2)); // told again (a writer catching up on what it applied)
    expect(history.linkedAt('email:a', {})).toBe('C2');
    expect(history.linkedAt('email:a', { asOf: at(1).occurredMs })).toBe('C1');
    expect(history.linkedAt('email:a', { knownAt: at(0).recordedMs })).toBeUndefined();
  });

  it("forgets an erased customer's links in every cut, including a link of theirs told after the erasure", () => {
    const history = new LinkHistory();
    history.link('email:a', 'C1', 10, at(1));
    history.link('email:b', 'C2', 11, at(1));
    history.erase(['C1']);
    history.link('phone:+4911', 'C1', 12, at(1)); // stored before the erasure, told after it
    expect(history.linkedAt('email:a', { asOf: at(1).occurredMs })).toBeUndefined();
    expect(history.linkedAt('phone:+4911', {})).toBeUndefined();
    expect(history.linkedAt('email:b', {})).toBe('C2');
    expect(history.isErased('C1')).toBe(true);
  });

  it('follows only the merges in the cut', () => {
    const history = new LinkHistory();
    const merge = (survivorId: string, mergedId: string, position: number, day: number) =>
      history.merge({ survivorId, mergedId, globalPosition: position, occurredAt: new Date(at(day).occurredMs).toISOString(), recordedAt: new Date(at(day).recordedMs).toISOString() }, at(day));
    merge('C1', 'C2', 30, 3);
    merge('C1', 'C3', 20, 2); // told late
    expect(history.mergesAt({}).canonical('C2')).toBe('C1');
    expect(history.mergesAt({ asOf: at(2).occurredMs }).canonical('C2')).toBe('C2');
    expect(history.mergesAt({ asOf: at(2).occurredMs }).canonical('C3')).toBe('C1');
  });
});
