import { isDeepStrictEqual } from 'node:util';
import type { ReadModelStore } from './readModel/types.ts';

export interface PartitionDifference {
  readonly partition: string;
  /** Paths (such as `purchases.count`) whose values differ; `(missing)` when one side lacks the partition. */
  readonly paths: readonly string[];
  readonly a: unknown;
  readonly b: unknown;
}

export interface StateDiff {
  readonly partitions: { readonly a: number; readonly b: number };
  readonly differing: number;
  /** The first differences, in partition order. */
  readonly differences: readonly PartitionDifference[];
}

/** Compares two projections' stored states partition by partition (both walked in partition order). */
export const diffStates = async (readModels: { store: ReadModelStore; key: string }[], limit = 20): Promise<StateDiff> => {
  const [left, right] = readModels as [{ store: ReadModelStore; key: string }, { store: ReadModelStore; key: string }];
  const a = left.store.partitions(left.key)[Symbol.asyncIterator]();
  const b = right.store.partitions(right.key)[Symbol.asyncIterator]();
  let nextA = await a.next();
  let nextB = await b.next();
  const counts = { a: 0, b: 0 };
  let differing = 0;
  const differences: PartitionDifference[] = [];
  const note = (difference: PartitionDifference) => {
    differing++;
    if (differences.length < limit) differences.push(difference);
  };
  while (!nextA.done || !nextB.done) {
    const pa = nextA.done ? undefined : nextA.value;
    const pb = nextB.done ? undefined : nextB.value;
    if (pa && (!pb || pa.partition < pb.partition)) {
      counts.a++;
      note({ partition: pa.partition, paths: ['(missing in b)'], a: JSON.parse(pa.state), b: undefined });
      nextA = await a.next();
    } else if (pb && (!pa || pb.partition < pa.partition)) {
      counts.b++;
      note({ partition: pb.partition, paths: ['(missing in a)'], a: undefined, b: JSON.parse(pb.state) });
      nextB = await b.next();
    } else if (pa && pb) {
      counts.a++;
      counts.b++;
      if (pa.state !== pb.state) {
        const va = JSON.parse(pa.state) as unknown;
        const vb = JSON.parse(pb.state) as unknown;
        note({ partition: pa.partition, paths: differingPaths(va, vb, ''), a: va, b: vb });
      }
      nextA = await a.next();
      nextB = await b.next();
    }
  }
  return { partitions: counts, differing, differences };
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A leaf where two JSON values differ: its path, and each side's value there (undefined where a side lacks it). */
export interface LeafDifference {
  readonly path: string;
  readonly a: unknown;
  readonly b: unknown;
}

/** The leaves where two JSON values differ, in key order. */
export const differingLeaves = (a: unknown, b: unknown, path = ''): LeafDifference[] => {
  if (isDeepStrictEqual(a, b)) return [];
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => differingLeaves(a[key], b[key], path ? `${path}.${key}` : key));
  }
  return [{ path: path || '(root)', a, b }];
};

/** The leaf paths where two JSON values differ. */
export const differingPaths = (a: unknown, b: unknown, path: string): string[] => differingLeaves(a, b, path).map((leaf) => leaf.path);
