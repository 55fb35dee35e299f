import BeeQueue from 'bee-queue';

/**
 * A bee-queue worker that does nothing per job: the yardstick the task benchmark compares Larder's
 * tasks with (same Redis, same kind of process, same concurrency). Configured by the environment.
 */
const queue = new BeeQueue(process.env.RAW_QUEUE ?? 'raw', {
  prefix: process.env.RAW_PREFIX,
  redis: { url: process.env.REDIS_URL },
  isWorker: true,
  getEvents: false,
  sendEvents: false,
  storeJobs: false,
  removeOnSuccess: true,
  removeOnFailure: true,
});
queue.process(Number(process.env.RAW_CONCURRENCY ?? 8), async () => undefined);
queue.on('ready', () => console.log('raw worker ready'));
process.on('SIGTERM', () => {
  void queue.close().then(() => process.exit(0));
});
