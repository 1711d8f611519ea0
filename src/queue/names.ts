/**
 * Queue and job names (kebab-case, defined once). Each cluster has its own queue, consumed by the
 * workers running in (or with access to) that cluster; Slack delivery has one queue, consumed by
 * the app, so cluster workers never need a Slack token.
 */
import { clusterNameRule, isValidClusterName } from '../core/input/cluster-name.js';

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

/**
 * The queue of one cluster.
 * @param cluster - the cluster name, as DNSWHY_CLUSTER sets it on its workers
 */
export function clusterQueueName(cluster: string): string {
  if (!isValidClusterName(cluster)) throw new Error(`invalid cluster name "${cluster}": use ${clusterNameRule}`);
  return `dnswhy-cluster-${cluster}`;
}

/** Redis key prefix for everything dnswhy stores outside BullMQ. */
export const keyPrefix = 'dnswhy';
