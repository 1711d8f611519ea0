/** Where CoreDNS lives in a cluster: what the probes read and what remediation patches. */
export interface CorednsLocation {
  namespace: string;
  labelSelector: string;
  service: string;
  configMap: string;
  customConfigMap: string;
  metricsPort: number;
}

/** The names kubeadm and most distributions use. */
export const defaultCorednsLocation: CorednsLocation = {
  namespace: 'kube-system',
  labelSelector: 'k8s-app=kube-dns',
  service: 'kube-dns',
  configMap: 'coredns',
  customConfigMap: 'coredns-custom',
  metricsPort: 9153,
};
