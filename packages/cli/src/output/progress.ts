import { Presets, SingleBar } from 'cli-progress';

/** Position in the log, events/s and ETA on a terminal (standard error), for a read up to `head`; nothing when not a terminal. */
export const logProgress = (label: string, head: number): { update: ((position: number) => void) | undefined; stop: () => void } => {
  if (!process.stderr.isTTY || head === 0) return { update: undefined, stop: () => {} };
  const bar = new SingleBar({ format: `${label} |{bar}| {value}/{total} | {speed} events/s | ETA {eta_formatted}`, stream: process.stderr }, Presets.shades_classic);
  const started = performance.now();
  let last = 0;
  bar.start(head, 0, { speed: 0 });
  return {
    update: (position: number) => {
      const now = performance.now();
      if (now - last < 200) return;
      last = now;
      bar.update(position, { speed: Math.round(position / ((now - started) / 1000)) });
    },
    stop: () => {
      bar.update(head);
      bar.stop();
    },
  };
};
