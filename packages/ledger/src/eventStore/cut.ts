/** A cut of the log: events that had happened by asOf (valid time) and were recorded by knownAt (transaction time). */
export interface Cut {
  readonly asOf?: Date;
  readonly knownAt?: Date;
}

export const withinCut = (cut: Cut) => {
  const asOf = cut.asOf?.getTime() ?? Number.POSITIVE_INFINITY;
  const knownAt = cut.knownAt?.getTime() ?? Number.POSITIVE_INFINITY;
  // A time is parsed only where the cut bounds it (a cut by one time alone parses one time an event).
  return (event: { occurredAt: string; recordedAt: string }): boolean =>
    (asOf === Number.POSITIVE_INFINITY || Date.parse(event.occurredAt) <= asOf) && (knownAt === Number.POSITIVE_INFINITY || Date.parse(event.recordedAt) <= knownAt);
};
