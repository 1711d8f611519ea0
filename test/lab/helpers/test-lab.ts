/** Starts a lab from a fixture with a FAKE DNS world and gives client-node API clients for it. */
import { AppsV1Api, CoreV1Api, DiscoveryV1Api, KubeConfig, NetworkingV1Api } from '@kubernetes/client-node';
import { join } from 'node:path';
import { startLab, type Lab, type StartLabOptions } from '../../../src/lab/lab.js';
import { loadScenarioFile } from '../../../src/lab/scenario/load-scenario.js';
import { FakeDnsWorld } from './fake-dns-world.js';

export const fixture = (name: string) => join(import.meta.dirname, '..', 'fixtures', name);

export interface TestLab {
  lab: Lab;
  fake: FakeDnsWorld;
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  discovery: DiscoveryV1Api;
  net: NetworkingV1Api;
  /** Raw request against the API server (for headers and bodies client-node does not expose). */
  raw(path: string, init?: RequestInit): Promise<Response>;
}

export async function startTestLab(file = 'small.yaml', opts: StartLabOptions = {}): Promise<TestLab> {
  const scenario = loadScenarioFile(fixture(file));
  const fake = new FakeDnsWorld(scenario.coredns.pods.map((p) => p.name));
  const lab = await startLab(scenario, { dns: async () => fake, ...opts });
  const kc = new KubeConfig();
  kc.loadFromString(lab.kubeconfig);
  return {
    lab,
    fake,
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    discovery: kc.makeApiClient(DiscoveryV1Api),
    net: kc.makeApiClient(NetworkingV1Api),
    raw: (path, init) => fetch(`${lab.apiUrl}${path}`, init),
  };
}

/** The parsed v1.Status of a client-node ApiException. */
export async function statusOf(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e: any) {
    if (e?.code === undefined) throw e;
    return { httpCode: e.code, ...(typeof e.body === 'string' ? JSON.parse(e.body) : e.body) };
  }
  throw new Error('expected the request to fail');
}
