import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asyncApiDocument } from './asyncapi.ts';

describe('docs/asyncapi.json', () => {
  it('is the AsyncAPI document generated from the contract (run npm run catalogue after a change)', () => {
    const committed = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'asyncapi.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(asyncApiDocument())));
  });

  it('names a topic per channel and the dead-letter topic, with the event payload from the contract', () => {
    const doc = asyncApiDocument();
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.channels.store).toMatchObject({ address: 'roc-ledger.events.store' });
    expect(doc.channels.deadLetter).toMatchObject({ address: 'roc-ledger.events.dead-letter' });
    expect(JSON.stringify(doc.components.messages.Event.payload)).toContain('"PurchaseMade"');
  });
});
