import type { Ingestor } from '@roc-ledger/ingest';

export interface IngestCounts {
  /** When this process started counting. */
  readonly since: string;
  /** By channel: events stored, and idempotent repeats acknowledged without storing. */
  readonly accepted: Readonly<Record<string, { stored: number; duplicates: number }>>;
  /** Refusals by channel, then by error code (docs/errors.md). */
  readonly rejected: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** Counts what this process ingested and refused since it started (HTTP, Kafka, CLI import), for the ledger-health page. */
export class IngestTally {
  private readonly since = new Date().toISOString();
  private readonly accepted: Record<string, { stored: number; duplicates: number }> = {};
  private readonly rejected: Record<string, Record<string, number>> = {};

  constructor(ingestor: Ingestor) {
    ingestor.observe({
      ingested: ({ channel, duplicate }) => {
        const counts = (this.accepted[channel] ??= { stored: 0, duplicates: 0 });
        if (duplicate) counts.duplicates += 1;
        else counts.stored += 1;
      },
      rejected: ({ channel, code }) => {
        const byCode = (this.rejected[channel] ??= {});
        byCode[code] = (byCode[code] ?? 0) + 1;
      },
    });
  }

  counts(): IngestCounts {
    return structuredClone({ since: this.since, accepted: this.accepted, rejected: this.rejected });
  }
}
