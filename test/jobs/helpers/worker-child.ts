/**
 * A cluster worker in its own process (to be killed with SIGKILL mid-job by a test): a fake
 * diagnosis (mocked cluster) that blocks, with the production lock settings.
 * Prints "started <pod>" when a diagnosis begins.
 */
import { pino } from 'pino';
import { Redis } from 'ioredis';
import { startClusterWorker } from '../../../jobs/cluster-worker.js';
import { bullConnection } from '../../../src/queue/connection.js';
import { Queues } from '../../../src/queue/queues.js';
import { FakeRuntime } from './fake-runtime.js';

const url = process.env.REDIS_URL!;
const log = pino({ level: 'silent' });
const runtime = new FakeRuntime({ name: 'lab', delayMs: 60_000 });
const original = runtime.diagnose.bind(runtime);
runtime.diagnose = async (target, onProgress) => {
  process.stdout.write(`started ${target.pod}\n`);
  return original(target, onProgress);
};
const redis = new Redis(url, { maxRetriesPerRequest: null });
redis.on('error', () => undefined);
const connection = bullConnection(url);
await startClusterWorker({ connection, redis, queues: new Queues(connection, log), runtime, cluster: 'lab', log, heartbeatMs: 500, progressIntervalMs: 0 });
process.stdout.write('ready\n');
// Never outlive the test run, even if the test process dies without killing us.
setTimeout(() => process.exit(0), 120_000);
