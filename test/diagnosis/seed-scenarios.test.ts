/** Every expectation of the seed incidents holds against the real diagnosis in the lab, fixes applied. */
import { describe } from 'vitest';
import { scenarioCases } from './scenario-cases.js';

describe('seed scenarios (lab test)', () => {
  scenarioCases([
    'scenarios/000-hybrid-cloud-split-horizon.yaml',
    'scenarios/000-per-zone-answers-after-hosts-fix.yaml',
    'scenarios/001-conntrack-udp-loss-timeouts.yaml',
    'scenarios/001-search-path-amplification.yaml',
    'scenarios/002-mixed-upstreams-negative-cache.yaml',
    'scenarios/003-cross-node-dns-blocked.yaml',
    'scenarios/004-cluster-domain-shadowing.yaml',
    'scenarios/healthy-cluster.yaml',
  ]);
});
