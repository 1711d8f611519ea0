export * from './dns.js';
export * from './k8s.js';
export * from './workload-kinds.js';
export * from './evidence.js';
export * from './finding.js';
export * from './report.js';
export * from './diagnosis.js';
export * from './coredns-location.js';
