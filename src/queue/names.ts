/**
 * Queue and job names (kebab-case, defined once). Each cluster has its own queue, consumed by the
 * workers running in (or with access to) that cluster; Slack delivery has one queue, consumed by
 * the app, so cluster workers never need a Slack token.
 */

/** Job names on a cluster queue. */
export const clusterJobNames = {
  diagnose: 'diagnose',
  applyFix: 'apply-fix',
  rollback: 'rollback',
  health: 'health',
} as const;

/** Job name on the post queue. */
export const postJobName = 'post-report';

/** The queue the app consumes to deliver messages to Slack. */
export const postQueueName = 'dnswhy-post';

const clusterRe = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

/** True when a string can be a cluster name (it becomes part of a queue name and of Redis keys). */
export function isValidClusterName(name: string): boolean {
  return clusterRe.test(name);
}

/**
 * The queue of one cluster.
 * @param cluster - the cluster name, as DNSWHY_CLUSTER sets it on its workers
 */
export function clusterQueueName(cluster: string): string {
  if (!isValidClusterName(cluster)) throw new Error(`invalid cluster name "${cluster}": use 1-40 lowercase letters, digits or dashes`);
  return `dnswhy-cluster-${cluster}`;
}

/** Redis key prefix for everything dnswhy stores outside BullMQ. */
export const keyPrefix = 'dnswhy';
