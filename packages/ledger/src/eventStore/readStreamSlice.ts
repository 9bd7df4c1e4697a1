import type { ReadStreamOptions } from './types.ts';

/** The revisions a readStream call covers, given the stream's current revision. */
export const streamSlice = (currentRevision: number, options: ReadStreamOptions = {}): { from: number; to: number; backwards: boolean } => {
  const backwards = options.direction === 'backwards';
  const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
  if (backwards) {
    const from = Math.min(options.fromRevision ?? currentRevision, currentRevision);
    return { from, to: Math.max(0, from - maxCount + 1), backwards };
  }
  const from = Math.max(0, options.fromRevision ?? 0);
  return { from, to: Math.min(currentRevision, from + maxCount - 1), backwards };
};
