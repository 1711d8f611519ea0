/** Starts a lab from a fixture with a FAKE DNS world and gives client-node API clients for it. */
import { AppsV1Api, CoreV1Api, DiscoveryV1Api, KubeConfig, NetworkingV1Api } from '@kubernetes/client-node';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
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
  /** CoreV1Api with the token of dnswhy's worker service account (the shipped roles apply). */
  workerCore: CoreV1Api;
  /** The worker service account's bearer token. */
  workerToken: string;
  /** Raw request against the API server (for headers and bodies client-node does not expose). */
  raw(path: string, init?: RequestInit): Promise<Response>;
}

export async function startTestLab(file = 'small.yaml', opts: StartLabOptions = {}): Promise<TestLab> {
  const scenario = loadScenarioFile(fixture(file));
  const fake = new FakeDnsWorld(scenario.coredns.pods.map((p) => p.name));
  const lab = await startLab(scenario, { dns: async () => fake, ...opts });
  const kc = new KubeConfig();
  kc.loadFromString(lab.kubeconfig);
  const wkc = new KubeConfig();
  wkc.loadFromString(lab.workerKubeconfig);
  return {
    workerCore: wkc.makeApiClient(CoreV1Api),
    workerToken: wkc.getCurrentUser()!.token!,
    lab,
    fake,
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    discovery: kc.makeApiClient(DiscoveryV1Api),
    net: kc.makeApiClient(NetworkingV1Api),
    raw: (path, init) => labFetch(lab, path, init),
  };
}

/** fetch against the lab's HTTPS API server: its certificate authority, and the admin token unless the caller sets Authorization. */
export function labFetch(lab: Pick<Lab, 'apiUrl' | 'ca' | 'adminToken'>, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', `Bearer ${lab.adminToken}`);
  return undiciFetch(`${lab.apiUrl}${path}`, { ...(init as object), headers, dispatcher: agentFor(lab.ca) } as never) as unknown as Promise<Response>;
}

const agents = new Map<string, Agent>();
function agentFor(ca: string): Agent {
  let a = agents.get(ca);
  if (!a) agents.set(ca, (a = new Agent({ connect: { ca } })));
  return a;
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
