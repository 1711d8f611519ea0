/**
 * The kubeconfigs a lab writes: HTTPS on loopback with the lab's own certificate authority (so
 * clients verify the server and send their bearer token), one user per token.
 */
export function labKubeconfig(opts: { name: string; server: string; token: string; user: string; ca: string; namespace?: string }): string {
  const ctx = `dnswhy-lab-${opts.name}`;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${ctx}`,
    '  cluster:',
    `    server: ${opts.server}`,
    `    certificate-authority-data: ${Buffer.from(opts.ca, 'utf8').toString('base64')}`,
    'users:',
    `- name: ${opts.user}`,
    '  user:',
    `    token: ${opts.token}`,
    'contexts:',
    `- name: ${ctx}`,
    '  context:',
    `    cluster: ${ctx}`,
    `    user: ${opts.user}`,
    `    namespace: ${opts.namespace ?? 'default'}`,
    `current-context: ${ctx}`,
    'preferences: {}',
    '',
  ].join('\n');
}
