import { ERASED_VALUE, mapPersonalFields, type AnyVersionEventInput } from '@roc-ledger/events';
import { CUSTOMER_STREAM_PREFIX, type PersonalDataGuard, type RecordedEvent } from '@roc-ledger/ledger';
import { CustomerErasedError, KeyMissingError, SealBrokenError } from './errors.ts';
import type { KeyState, KeyStore } from './keyStore.ts';
import { deriveSealingKeys, isSealed, openValue, sealValue, type SealingKeys } from './sealing.ts';

/** Whose key seals a stream's personal data: the customer the stream belongs to. */
export const keyIdOf = (streamId: string): string => (streamId.startsWith(CUSTOMER_STREAM_PREFIX) ? streamId.slice(CUSTOMER_STREAM_PREFIX.length) : streamId);

const personalPaths = (event: AnyVersionEventInput | RecordedEvent, only: (value: unknown) => boolean = () => true): string[] => {
  const paths: string[] = [];
  mapPersonalFields(event, (value, path) => {
    if (only(value)) paths.push(path);
    return value;
  });
  return paths;
};

/**
 * Seals the fields the schemas mark as personal with the stream's customer key before they are
 * stored, and opens them on reads. Keys are looked up for every call and never cached, so a key
 * destroyed by any process is gone for every reader at once.
 */
export const createPersonalDataGuard = (keys: KeyStore): PersonalDataGuard => ({
  async seal(streamId, events) {
    const keyId = keyIdOf(streamId);
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
        sealing = deriveSealingKeys(state);
      }
      const keysForEvent = sealing;
      sealed.push(mapPersonalFields(event, (value, path) => sealValue(keysForEvent, event.eventId, path, value)));
    }
    return sealed;
  },

  async open(events) {
    const needed = new Set<string>();
    const sealedAt = events.map((event) => {
      const has = personalPaths(event, isSealed).length > 0;
      if (has) needed.add(keyIdOf(event.streamId));
      return has;
    });
    if (needed.size === 0) return events as RecordedEvent[];
    const states = await keys.get([...needed]);
    const derived = new Map<string, SealingKeys | 'destroyed'>();
    const sealingFor = (keyId: string, eventId: string): SealingKeys | 'destroyed' => {
      let found = derived.get(keyId);
      if (!found) {
        const state: KeyState | undefined = states.get(keyId);
        if (state === undefined) throw new KeyMissingError(keyId, eventId);
        found = state === 'destroyed' ? state : deriveSealingKeys(state);
        derived.set(keyId, found);
      }
      return found;
    };
    return events.map((event, i) => {
      if (!sealedAt[i]) return event;
      const sealing = sealingFor(keyIdOf(event.streamId), event.eventId);
      return mapPersonalFields(event, (value, path) => {
        if (!isSealed(value)) return value;
        if (sealing === 'destroyed') return ERASED_VALUE;
        const opened = openValue(sealing, event.eventId, value);
        if (opened === undefined) throw new SealBrokenError(event.eventId, path);
        return opened;
      });
    });
  },
});
