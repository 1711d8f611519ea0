/**
 * A cluster worker in its own process that applies fixes through the lab's API (KUBECONFIG) and
 * SIGKILLs itself right after a fix was written to the cluster, before apply-fix records it (the
 * crash window of apply-fix). Prints "ready", then "crashing after-write".
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { startClusterWorker } from '../../../jobs/cluster-worker.js';
import { bullConnection } from '../../../src/queue/connection.js';
import { Queues } from '../../../src/queue/queues.js';
import { ProposalStore } from '../../../src/store/proposal-store.js';
import { apiRuntime } from './api-runtime.js';

ProposalStore.prototype.recordApplied = async function () {
  process.stdout.write('crashing after-write\n');
  process.kill(process.pid, 'SIGKILL');
};
const url = process.env.REDIS_URL!;
const log = pino({ level: 'silent' });
const redis = new Redis(url, { maxRetriesPerRequest: null });
redis.on('error', () => undefined);
const connection = bullConnection(url);
await startClusterWorker({ connection, redis, queues: new Queues(connection, log), runtime: await apiRuntime(process.env.KUBECONFIG!), cluster: 'lab', log });
process.stdout.write('ready\n');
setTimeout(() => process.exit(0), 120_000).unref();
