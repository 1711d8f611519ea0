/**
 * What a cluster name may be, defined once: it becomes part of a queue name (`dnswhy-cluster-NAME`)
 * and of Redis keys, so configuration, Slack commands and queue naming all accept the same names.
 */

/** 1 to 40 lower-case letters, digits or dashes, starting and ending with a letter or digit. */
const clusterNamePattern = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

/** The rule in words, for messages. */
export const clusterNameRule = '1-40 lowercase letters, digits or dashes';

/** The longest cluster name; longer input is cut to this length when it is quoted back. */
export const clusterNameMaxLength = 40;

/** True when a string can be a cluster name. */
export function isValidClusterName(name: string): boolean {
  return clusterNamePattern.test(name);
}
