/** The kubeconfig a lab writes: plain HTTP on loopback, which clients accept only with insecure-skip-tls-verify. */
export function labKubeconfig(opts: { name: string; server: string; token: string; namespace?: string }): string {
  const ctx = `dnswhy-lab-${opts.name}`;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${ctx}`,
    '  cluster:',
    `    server: ${opts.server}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: dnswhy',
    '  user:',
    `    token: ${opts.token}`,
    'contexts:',
    `- name: ${ctx}`,
    '  context:',
    `    cluster: ${ctx}`,
    '    user: dnswhy',
    `    namespace: ${opts.namespace ?? 'default'}`,
    `current-context: ${ctx}`,
    'preferences: {}',
    '',
  ].join('\n');
}
