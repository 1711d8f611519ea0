/**
 * The Queue objects a process enqueues to, created lazily per cluster, each with an error
 * listener (without one, a Redis outage crashes the process).
 */
import { Queue, type ConnectionOptions } from 'bullmq';
import type { QueueLogger } from './connection.js';
import { clusterQueueName, postQueueName } from './names.js';

export class Queues {
  private readonly byName = new Map<string, Queue>();

  constructor(private readonly connection: ConnectionOptions, private readonly log: QueueLogger) {}

  private open(name: string): Queue {
    let q = this.byName.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection });
      q.on('error', (err) => this.log.warn({ err: err.message, queue: name }, 'queue error'));
      this.byName.set(name, q);
    }
    return q;
  }

  /** The queue of a cluster's workers. */
  cluster(cluster: string): Queue {
    return this.open(clusterQueueName(cluster));
  }

  /** The Slack delivery queue. */
  get post(): Queue {
    return this.open(postQueueName);
  }

  async close(): Promise<void> {
    await Promise.all([...this.byName.values()].map((q) => q.close()));
    this.byName.clear();
  }
}
