import { ERASED_VALUE, mapPersonalFields, type AnyVersionEventInput } from '@roc-ledger/events';
import { CUSTOMER_STREAM_PREFIX, type PersonalDataGuard, type RecordedEvent } from '@roc-ledger/ledger';
import { CustomerErasedError, KeyMissingError, SealBrokenError } from './errors.ts';
import type { KeyState, KeyStore } from './keyStore.ts';
import { deriveSealingKeys, isSealed, openValue, sealValue, type SealingKeys } from './sealing.ts';

/** Whose key seals a stream's personal data: the customer the stream belongs to. */
const customerKeyIdOf = (streamId: string): string => (streamId.startsWith(CUSTOMER_STREAM_PREFIX) ? streamId.slice(CUSTOMER_STREAM_PREFIX.length) : streamId);

const personalPaths = (event: AnyVersionEventInput): string[] => {
  const paths: string[] = [];
  mapPersonalFields(event, (value, path) => {
    paths.push(path);
    return value;
  });
  return paths;
};

/** The path of a personal value in an event (the first that holds it). */
const pathOf = (event: RecordedEvent, wanted: unknown): string => {
  let found = '';
  mapPersonalFields(event, (value, path) => {
    if (value === wanted && !found) found = path;
    return value;
  });
  return found;
};

const hasSealed = (event: RecordedEvent): boolean => {
  let found = false;
  mapPersonalFields(event, (value) => {
    if (isSealed(value)) found = true;
    return value;
  });
  return found;
};

/**
 * Keys derived from a customer key, remembered with the key's own bytes and used only while the
 * key store still returns those bytes: a key is always fetched from the key store first, so a
 * destroyed one is never found here; this only spares the derivation.
 */
class DerivedKeys {
  private readonly byId = new Map<string, { readonly customerKey: Buffer; readonly keys: SealingKeys }>();

  of(keyId: string, customerKey: Buffer): SealingKeys {
    const known = this.byId.get(keyId);
    if (known && known.customerKey.equals(customerKey)) return known.keys;
    if (this.byId.size >= 50_000) this.byId.clear();
    const keys = deriveSealingKeys(customerKey);
    this.byId.set(keyId, { customerKey, keys });
    return keys;
  }
}

/**
 * Seals the fields the schemas mark as personal with the stream's customer key before they are
 * stored, and opens them on reads. Keys are fetched from the key store for every call (only what
 * is derived from a key's bytes is remembered), so a key destroyed by any process is gone for
 * every reader at once.
 */
export const createPersonalDataGuard = (keys: KeyStore): PersonalDataGuard => {
  const derived = new DerivedKeys();
  return {
    async seal(streamId, events) {
      const keyId = customerKeyIdOf(streamId);
      let sealing: SealingKeys | undefined;
      const sealed: AnyVersionEventInput[] = [];
      for (const event of events) {
        const paths = personalPaths(event);
        if (paths.length === 0) {
          sealed.push(event);
          continue;
        }
        if (!sealing) {
          const state = await keys.getOrCreate(keyId);
          if (state === 'destroyed') throw new CustomerErasedError(keyId, event.eventId, paths);
          sealing = derived.of(keyId, state);
        }
        const keysForEvent = sealing;
        sealed.push(mapPersonalFields(event, (value, path) => sealValue(keysForEvent, event.eventId, path, value)));
      }
      return sealed;
    },

    async open(events) {
      const needed = new Set<string>();
      const sealedAt = events.map((event) => {
        const has = hasSealed(event);
        if (has) needed.add(customerKeyIdOf(event.streamId));
        return has;
      });
      if (needed.size === 0) return events as RecordedEvent[];
      const states = await keys.get([...needed]);
      const sealingFor = (keyId: string, eventId: string): SealingKeys | 'destroyed' => {
        const state: KeyState | undefined = states.get(keyId);
        if (state === undefined) throw new KeyMissingError(keyId, eventId);
        return state === 'destroyed' ? state : derived.of(keyId, state);
      };
      return events.map((event, i) => {
        if (!sealedAt[i]) return event;
        const sealing = sealingFor(customerKeyIdOf(event.streamId), event.eventId);
        // No path is built for each value read: only a value that fails to open is looked for again, by path.
        let broken: string | undefined;
        const openedEvent = mapPersonalFields(event, (value) => {
          if (broken !== undefined || !isSealed(value)) return value;
          if (sealing === 'destroyed') return ERASED_VALUE;
          const opened = openValue(sealing, event.eventId, value);
          if (opened === undefined) broken = value;
          return opened;
        });
        if (broken !== undefined) throw new SealBrokenError(event.eventId, pathOf(event, broken));
        return openedEvent;
      });
    },
  };
};
