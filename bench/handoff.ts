import 'reflect-metadata';
import { startTestLarder } from '../test/support/test-larder.js';
import { measureHandOffs } from './support/hand-off.js';
import { percentile, report } from './support/measure.js';

/**
 * Hand-off latency: how soon the next task waiting on a resource starts once the task holding it
 * ends (settle → wake → queue → worker → start), over a chain of tasks on one resource, with two
 * worker processes. Targets: p50 ≤ 5 ms, p99 ≤ 50 ms.
 */
const LENGTH = Number(process.env.BENCH_CHAIN ?? 1_000);

const t = await startTestLarder({ workers: 0, env: { LOG_LEVEL: 'warn' } });
try {
  await Promise.all([1, 2].map(() => t.spawn('worker', { LARDER_WORKER_CONCURRENCY: '8' })));
  const { bodyMs, recordedMs } = await measureHandOffs(t, 'bench:handoff', LENGTH);
  const context = { chain: LENGTH, workers: 2 };
  // finishedAt → the next startedAt: the reservation passing on, as recorded (whole milliseconds).
  report('handoff_ms_p50', percentile(recordedMs, 50), context);
  report('handoff_ms_p99', percentile(recordedMs, 99), context);
  // Body end → next body start, to the microsecond: also counts the test task's own two writes
  // recording those times, so an upper bound.
  report('handoff_body_to_body_ms_p50', percentile(bodyMs, 50), context);
  report('handoff_body_to_body_ms_p99', percentile(bodyMs, 99), context);
} finally {
  await t.stop();
}
