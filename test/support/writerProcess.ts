// A separate writer process for durability and concurrency tests.
//   ack  <db>            append forever, 8 appends in flight, printing "ACK <eventId> <position>" after each acknowledgement
//   race <db> <stream> <events> <name>
//                        print READY, wait for a line on stdin, then compete for each next revision of one
//                        stream until it holds <events> events, printing "WIN <revision>" or "LOSS <revision>"
import { writeSync } from 'node:fs';
import { WrongExpectedRevisionError } from '@roc-ledger/ledger';
import { interaction } from '@roc-ledger/ledger/testing';
import { openStore } from './tempLedger.ts';

const [mode, dbPath, streamId, target, name] = process.argv.slice(2);
const store = openStore(dbPath!);
const say = (line: string) => writeSync(1, `${line}\n`);

if (mode === 'ack') {
  const writer = async (lane: number) => {
    for (let i = 0; ; i++) {
      const event = interaction(`lane${lane}`);
      const result = await store.append(`customer-lane${lane}`, [event]);
      say(`ACK ${event.eventId} ${result.events[0]!.globalPosition}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, (_, lane) => writer(lane)));
} else if (mode === 'race') {
  const events = Number(target);
  say('READY');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.pause();
  for (;;) {
    const { currentRevision } = await store.readStream(streamId!);
    if (currentRevision + 1 >= events) break;
    try {
      const result = await store.append(streamId!, [interaction(name!, { source: name! })], {
        expectedRevision: currentRevision === -1 ? 'no_stream' : currentRevision,
      });
      say(`WIN ${result.events[0]!.streamRevision}`);
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      say(`LOSS ${currentRevision + 1}`);
    }
  }
  await store.close();
}
