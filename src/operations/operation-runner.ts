import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DomainError } from '../common/domain-error';
import { settlesWithin } from '../common/settles-within';
import { AppConfig, jobsLanes } from '../config/app-config';
import { Database } from '../database/database';
import { Operation } from './operation.entity';
import {
  OperationHandlers,
  OperationsRefused,
  PermanentOperationError,
  RunningOperation,
} from './operation-handlers';
import { OperationClaim, OperationsService } from './operations.service';

/** The lease moved to another instance while the handler ran; its transaction is rolled back. */
class LeaseLostError extends Error {}

/**
 * The job service (docs/operations.md#the-job-service). Runs up to JOBS_CONCURRENCY
 * transactions at once, each one operation or a batch of one type whose handler has runBatch
 * (docs/operations.md#batches); each operation is claimed with a lease (renewed by a heartbeat)
 * and finished in the same transaction as its handler's effect. Woken right after an enqueuing commit in this process;
 * a poll timer picks up work of other instances and operations whose instance died.
 */
@Injectable()
export class OperationRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** Unique per process start: a lease names the runner that holds it. */
  readonly owner = `${hostname().slice(0, 20)}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly logger = new Logger(OperationRunner.name);
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;
  private pollTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private pumping?: Promise<void>;
  private pumpAgain = false;
  // The last claim filled every free slot, so more work may be waiting.
  private backlog = false;
  private lastExpiredCheck = 0;
  private renewing = false;
  // Lanes running now: each is one transaction at a time, at most JOBS_CONCURRENCY of them.
  private lanes = 0;

  constructor(
    private readonly operations: OperationsService,
    private readonly handlers: OperationHandlers,
    private readonly db: Database,
    private readonly config: AppConfig,
  ) {}

  private get automatic(): boolean {
    return this.config.JOBS_CONCURRENCY > 0 && !this.stopping;
  }

  onApplicationBootstrap(): void {
    // Heartbeats run whenever something runs (tick() included).
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.config.JOBS_HEARTBEAT_MS);
    this.heartbeatTimer.unref();
    if (this.config.JOBS_CONCURRENCY === 0) return;
    if (this.config.JOBS_POLL_MS > 0) {
      this.pollTimer = setInterval(() => this.wake(), this.config.JOBS_POLL_MS);
      this.pollTimer.unref();
    }
    // Recovery: work enqueued while no instance ran, and leases a dead process left behind
    // (claimable once expired), are picked up by the first claim.
    this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    // The DataSource is still open here (it closes in onApplicationShutdown).
    this.stopping = true;
    clearInterval(this.pollTimer);
    await this.pumping?.catch(() => undefined);
    if (this.running.size > 0) {
      await settlesWithin(
        Promise.allSettled(new Set(this.running.values())),
        this.config.JOBS_SHUTDOWN_GRACE_MS,
      );
    }
    clearInterval(this.heartbeatTimer);
    const unfinished = [...this.running.keys()];
    if (unfinished.length > 0) {
      // Back to PENDING for another instance; a handler that still commits later is fenced off
      // by the lease check in its own transaction.
      this.logger.warn(`releasing ${unfinished.length} unfinished operation(s) on shutdown`);
      await this.operations.release(unfinished, this.owner).catch((error: Error) => {
        this.logger.error(`could not release operations: ${error.message}`);
      });
    }
  }

  /** Called after a commit that enqueued work: claims at once instead of waiting for the poll. */
  wake(): void {
    if (!this.automatic) return;
    void this.pump();
  }

  /**
   * Sets a worker aside for an operation the caller is about to enqueue in its own transaction
   * (`OperationsService.enqueue` with this claim writes it RUNNING under this runner's lease), so
   * that it runs right after the commit with no claim transaction in between. Null when this
   * instance runs no jobs by itself, has no free worker, or has work waiting (its last claim took
   * all it had room for: what waits goes first, and a backlog runs cheaper in batches): enqueue
   * PENDING and `wake()`. After the transaction call `start()` if it committed the claimed row,
   * `cancel()` in every case (a no-op after `start`).
   */
  reserve(): ReservedWorker | null {
    if (!this.automatic || this.backlog || this.lanes >= jobsLanes(this.config)) return null;
    this.lanes++;
    let row: Operation | null = null;
    let open = true;
    const done = () => {
      if (!open) return false;
      open = false;
      return true;
    };
    return {
      owner: this.owner,
      leaseMs: this.config.JOBS_LEASE_MS,
      hold: (written) => (row = written),
      start: () => (done() ? this.runReserved(row) : Promise.resolve()),
      cancel: () => {
        if (done()) this.lanes--;
      },
    };
  }

  private runReserved(row: Operation | null): Promise<void> {
    if (!row || this.stopping) {
      this.lanes--;
      // Committed RUNNING under our lease while shutting down: back to PENDING for any instance.
      if (row) void this.operations.release([row.id], this.owner).catch(() => undefined);
      return Promise.resolve();
    }
    const run = this.execute(row).finally(() => {
      this.lanes--;
      this.running.delete(row.id);
      if (this.backlog) this.wake();
    });
    this.running.set(row.id, run);
    return run;
  }

  /**
   * Runs everything due now to completion, whatever JOBS_CONCURRENCY says (at least one at a
   * time). Tests drive the service with it (JOBS_POLL_MS=0, or JOBS_CONCURRENCY=0 to keep
   * operations PENDING until the test says so).
   */
  async tick(): Promise<void> {
    const capacity = Math.max(1, jobsLanes(this.config));
    for (;;) {
      const claimed = await this.fill(capacity, true);
      await Promise.allSettled([...new Set(this.running.values())]);
      if (claimed === 0 && this.running.size === 0) return;
    }
  }

  /** Operations this process is running now. */
  get inFlight(): number {
    return this.running.size;
  }

  private pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      do {
        this.pumpAgain = false;
        try {
          await this.fill(jobsLanes(this.config));
        } catch (error) {
          this.logger.error(`claiming operations failed: ${(error as Error).message}`);
          return;
        }
      } while (this.pumpAgain && this.automatic);
    })().finally(() => (this.pumping = undefined));
    return this.pumping;
  }

  private async fill(capacity: number, forceExpired = false): Promise<number> {
    const free = capacity - this.lanes;
    if (free <= 0 || this.stopping) {
      if (free <= 0) this.backlog = true;
      return 0;
    }
    // Expired leases only need a look now and then (they are at least a lease old); a wake-up
    // after every commit looks for PENDING work only, which saves a query per claim under load.
    const now = Date.now();
    const includeExpired =
      forceExpired || now - this.lastExpiredCheck >= Math.min(this.config.JOBS_LEASE_MS / 4, 1000);
    if (includeExpired) this.lastExpiredCheck = now;
    const batchSize = this.config.JOBS_BATCH_SIZE;
    const types = this.handlers.types();
    const batched = batchSize > 1 ? types.filter((type) => this.handlers.get(type)!.runBatch) : [];
    // The free lanes are held while the claim runs, so that reserve() cannot take them meanwhile.
    this.lanes += free;
    let claimed: Operation[];
    try {
      claimed = await this.operations.claim(
        this.owner,
        types.filter((type) => !batched.includes(type)),
        free,
        this.config.JOBS_LEASE_MS,
        this.config.JOBS_MAX_ATTEMPTS,
        includeExpired,
        { types: batched, limit: free * batchSize },
      );
    } finally {
      this.lanes -= free;
    }
    const lanes = planLanes(claimed, free, batched, batchSize);
    this.backlog = claimed.length >= free;
    for (const lane of lanes) {
      this.lanes++;
      const run = this.runLane(lane).finally(() => {
        this.lanes--;
        for (const unit of lane) for (const row of unit) this.running.delete(row.id);
        if (this.backlog) this.wake();
      });
      for (const unit of lane) for (const row of unit) this.running.set(row.id, run);
    }
    return claimed.length;
  }

  /** One lane: its units one after another, each a single operation or a batch of one type. */
  private async runLane(lane: Operation[][]): Promise<void> {
    for (const unit of lane) {
      if (unit.length === 1) await this.execute(unit[0]);
      else await this.executeBatch(unit);
    }
  }

  /**
   * Operations of one type in one transaction with their SUCCESS. If anything fails, the batch is
   * rolled back whole. Operations the handler names (OperationsRefused) then run alone, each
   * failing with its own error, and the rest as a batch again: k bad clones cost k + 2
   * transactions. After any other failure each runs on its own: a bad operation fails alone, a
   * failure of the database is retried per operation, and a lost lease is fenced off per operation.
   */
  private async executeBatch(rows: Operation[]): Promise<void> {
    const handler = this.handlers.get(rows[0].type)!;
    const started = Date.now();
    try {
      await this.db.jobs.transaction(async (manager) => {
        const details = await handler.runBatch!(rows.map(runningOperation), manager);
        const ids = rows.map((row) => row.id);
        if (!(await this.operations.markAllSucceeded(manager, ids, this.owner, details))) {
          throw new LeaseLostError(`a lease of the batch was lost`);
        }
      });
      this.logger.debug(`${rows.length} × ${rows[0].type} succeeded in ${Date.now() - started} ms`);
    } catch (error) {
      const refused = error instanceof OperationsRefused ? refusedOf(error, rows) : null;
      if (refused) {
        this.logger.debug(
          `${refused.length} of a batch of ${rows.length} × ${rows[0].type} refused; those alone, the rest again`,
        );
        for (const row of refused) await this.execute(row);
        const rest = rows.filter((row) => !refused.includes(row));
        if (rest.length === 1) await this.execute(rest[0]);
        else if (rest.length > 1) await this.executeBatch(rest);
        return;
      }
      this.logger.debug(
        `a batch of ${rows.length} × ${rows[0].type} failed (${(error as Error).message}); one by one`,
      );
      for (const row of rows) await this.execute(row);
    }
  }

  private async execute(row: Operation): Promise<void> {
    const handler = this.handlers.get(row.type)!;
    const started = Date.now();
    const operation = runningOperation(row);
    this.logger.debug(`${row.type} ${row.id} started (attempt ${row.attempts})`);
    // Every progress value, stored one after another in the order reported. The outcome is
    // written only once all are: a value left behind would find the operation ended and store
    // nothing, and a poller would see it jump to 100.
    let stored: Promise<void> = Promise.resolve();
    try {
      await this.db.jobs.transaction(async (manager) => {
        const details = await handler.run({
          manager,
          operation,
          reportProgress: (percent) => {
            // SQLite has one connection: a second transaction would wait for this one forever.
            const write = stored.then(() =>
              this.operations.setProgress(
                this.db.dialect === 'sqlite' ? manager : null,
                row.id,
                this.owner,
                percent,
              ),
            );
            // No unhandled rejection meanwhile: a failed write fails the run below, and every
            // later value is skipped.
            write.catch(() => undefined);
            stored = write;
          },
        });
        await stored;
        if (!(await this.operations.markSucceeded(manager, row.id, this.owner, details))) {
          throw new LeaseLostError(`lease on ${row.id} lost`);
        }
      });
      this.logger.debug(`${row.type} ${row.id} succeeded in ${Date.now() - started} ms`);
    } catch (error) {
      await stored.catch(() => undefined);
      await this.settleFailure(row, error, Date.now() - started).catch((settleError: Error) =>
        // The lease expires and another claim settles it.
        this.logger.error(`${row.type} ${row.id}: could not record failure: ${settleError.message}`),
      );
    }
  }

  private async settleFailure(row: Operation, error: unknown, ms: number): Promise<void> {
    if (error instanceof LeaseLostError) {
      this.logger.warn(`${row.type} ${row.id}: lease lost after ${ms} ms; its work was rolled back`);
      return;
    }
    const permanent = error instanceof DomainError || error instanceof PermanentOperationError;
    const message = error instanceof Error ? error.message : String(error);
    if (permanent || row.attempts >= this.config.JOBS_MAX_ATTEMPTS) {
      const code = permanent
        ? (error as DomainError | PermanentOperationError).code
        : 'OPERATION_ATTEMPTS_EXHAUSTED';
      // The operation log is read by clients: a domain message is theirs, anything else (a driver
      // error, say) stays in the service's log.
      const shown = permanent
        ? message
        : `The operation failed ${row.attempts} times on internal errors; see the service log for operation ${row.id}`;
      await this.operations.markFailed(row.id, this.owner, code, shown);
      this.logger.warn(`${row.type} ${row.id} failed after ${ms} ms: ${code}: ${message}`);
      return;
    }
    // Transient (database hiccup, …): back off and let any instance try again.
    const delay = Math.min(30000, 200 * 2 ** (row.attempts - 1));
    this.logger.warn(
      `${row.type} ${row.id} attempt ${row.attempts} failed (${message}); retry in ${delay} ms`,
    );
    await this.operations.release([row.id], this.owner, delay);
  }

  private async heartbeat(): Promise<void> {
    // A renewal held up by a slow database is not joined by more of them.
    if (this.running.size === 0 || this.renewing) return;
    this.renewing = true;
    try {
      await this.operations.renewLeases(this.owner, [...this.running.keys()], this.config.JOBS_LEASE_MS);
    } catch (error) {
      this.logger.warn(`lease renewal failed: ${(error as Error).message}`);
    } finally {
      this.renewing = false;
    }
  }
}

/** A worker set aside by `OperationRunner.reserve()`. */
export interface ReservedWorker extends OperationClaim {
  /** The claimed row committed: run it now. Settles once its run has settled (never rejects). */
  start(): Promise<void>;
  /** Gives the worker back if it was not started. */
  cancel(): void;
}

function runningOperation(row: Operation): RunningOperation {
  return {
    id: row.id,
    accountId: row.accountId,
    type: row.type,
    parameters: JSON.parse(row.parameters) as Record<string, unknown>,
    attempt: row.attempts,
  };
}

/** The operations a refusal names, or null when it names none of the batch (then it is any error). */
function refusedOf(error: OperationsRefused, rows: Operation[]): Operation[] | null {
  const named = rows.filter((_, i) => error.indexes.includes(i));
  return named.length > 0 ? named : null;
}

/**
 * Spreads claimed operations over at most `lanes` lanes. Operations of a batched type go in
 * batches of at most `batchSize`, as even as the lanes allow (a few waiting operations make a few
 * small batches that run side by side; a backlog makes full ones); the others one by one.
 */
export function planLanes(
  rows: Operation[],
  lanes: number,
  batched: string[],
  batchSize: number,
): Operation[][][] {
  const units: Operation[][] = [];
  const byType = new Map<string, Operation[]>();
  for (const row of rows) {
    if (!batched.includes(row.type)) units.push([row]);
    else byType.set(row.type, [...(byType.get(row.type) ?? []), row]);
  }
  for (const group of byType.values()) {
    const size = Math.min(batchSize, Math.ceil(group.length / Math.max(1, lanes)));
    for (let i = 0; i < group.length; i += size) units.push(group.slice(i, i + size));
  }
  const plan: Operation[][][] = [];
  units.forEach((unit, i) => {
    if (i < lanes) plan.push([unit]);
    else plan[i % lanes].push(unit);
  });
  return plan;
}
