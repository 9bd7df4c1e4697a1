import { RocLedgerError } from '@roc-ledger/events';

export const ProjectionsErrorCode = {
  invalidProjection: 'PROJ_ERR_INVALID_PROJECTION',
  handlerFailed: 'PROJ_ERR_HANDLER_FAILED',
  unknownProjection: 'PROJ_ERR_UNKNOWN_PROJECTION',
  unknownQuery: 'PROJ_ERR_UNKNOWN_QUERY',
  moduleInvalid: 'PROJ_ERR_MODULE_INVALID',
  readModelsUnavailable: 'PROJ_ERR_READ_MODELS_UNAVAILABLE',
  shardFenced: 'PROJ_ERR_SHARD_FENCED',
  shardCount: 'PROJ_ERR_SHARD_COUNT',
  shardingUnsupported: 'PROJ_ERR_SHARDING_UNSUPPORTED',
  notRemovable: 'PROJ_ERR_NOT_REMOVABLE',
} as const;

/** The read-model store cannot be reached (a networked one: PostgreSQL). Retriable. */
export class ReadModelsUnavailableError extends RocLedgerError {
  constructor(message: string, cause?: unknown) {
    super(ProjectionsErrorCode.readModelsUnavailable, `the read-model store is unavailable: ${message}`, { retriable: true, cause });
  }
}

/** A definition that cannot run: each problem names the field. */
export class InvalidProjectionError extends RocLedgerError {
  readonly problems: readonly string[];

  constructor(name: string, problems: readonly string[]) {
    super(ProjectionsErrorCode.invalidProjection, `projection ${JSON.stringify(name)} is invalid: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

/** A handler threw (or left state that is not JSON): its projection stops at this event; the others carry on. */
export class HandlerFailedError extends RocLedgerError {
  readonly projection: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly position: number;

  constructor(projection: string, event: { eventId: string; type: string; globalPosition: number }, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      ProjectionsErrorCode.handlerFailed,
      `projection ${projection} stopped at position ${event.globalPosition} (event ${event.eventId}, ${event.type}): ${reason}`,
      { cause },
    );
    this.projection = projection;
    this.eventId = event.eventId;
    this.eventType = event.type;
    this.position = event.globalPosition;
  }

  toJSON() {
    return { code: this.code, projection: this.projection, eventId: this.eventId, type: this.eventType, position: this.position, message: this.message };
  }
}

export class UnknownProjectionError extends RocLedgerError {
  constructor(name: string, known: readonly string[]) {
    super(ProjectionsErrorCode.unknownProjection, `no projection ${JSON.stringify(name)}; registered: ${known.join(', ') || 'none'}`);
  }
}

export class UnknownQueryError extends RocLedgerError {
  constructor(projection: string, query: string, known: readonly string[]) {
    super(ProjectionsErrorCode.unknownQuery, `projection ${projection} has no query ${JSON.stringify(query)}; it has: ${known.join(', ')}`);
  }
}

/** A projection module that does not export a definition. */
export class ProjectionModuleError extends RocLedgerError {
  constructor(path: string, reason: string) {
    super(ProjectionsErrorCode.moduleInvalid, `${path}: ${reason}`);
  }
}

/** Sharded projectors need read models every instance shares with leases (PostgreSQL). */
export class ShardingUnsupportedError extends RocLedgerError {
  constructor(store: string) {
    super(ProjectionsErrorCode.shardingUnsupported, `${store} cannot be shared by several projector instances: use PostgreSQL read models (ROC_LEDGER_READ_MODELS_URL) for shards and roles`);
  }
}

/** A projection that cannot be removed: a built-in one, or one backfilling on threads now (remove it once they are done). */
export class ProjectionNotRemovableError extends RocLedgerError {
  constructor(name: string, reason: string) {
    super(ProjectionsErrorCode.notRemovable, `projection ${JSON.stringify(name)} cannot be removed: ${reason}`);
  }
}
