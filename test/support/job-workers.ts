import { OperationRunner, ReservedWorker } from '../../src/operations/operation-runner';

/**
 * Every one of the job service's `count` workers, reserved, once all of them are free at once: an
 * operation is written SUCCESS a moment before its worker lets go, so a test that reserves them
 * right after the last one ended may get one short, and that worker then comes free during the
 * request under test. The caller cancels them.
 */
export async function holdEveryWorker(
  runner: OperationRunner,
  count: number,
  timeoutMs = 10_000,
): Promise<ReservedWorker[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const held = Array.from({ length: count }, () => runner.reserve());
    if (held.every((worker) => worker !== null)) return held as ReservedWorker[];
    for (const worker of held) worker?.cancel();
    if (Date.now() > deadline) throw new Error(`not all ${count} workers came free in time`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
