import { describe, expect, it } from 'vitest';
import { deriveSealingKeys, openValue, sealValue } from './sealing.ts';

// Stored logs hold values sealed by every earlier version: these bytes must never change.
const customerKey = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const eventId = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';
const SEALED_BY_PD1 = 'pd1:u_FTBx7Bh-aWLNwCDLzZ5DX0qrLkBPq0gUKDAmtd6sbeYlW_qg';

describe('pd1 sealing', () => {
  it('seals a value to the bytes version 1 has always written, and opens them', () => {
    const keys = deriveSealingKeys(customerKey);
    expect(sealValue(keys, eventId, 'data.givenName', 'Sealina')).toBe(SEALED_BY_PD1);
    expect(openValue(deriveSealingKeys(Buffer.from(customerKey)), eventId, SEALED_BY_PD1)).toBe('Sealina');
  });

  it('does not open a value under another event id or another key', () => {
    expect(openValue(deriveSealingKeys(customerKey), '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c', SEALED_BY_PD1)).toBeUndefined();
    expect(openValue(deriveSealingKeys(Buffer.alloc(32, 7)), eventId, SEALED_BY_PD1)).toBeUndefined();
  });
});
