/** Generated names as Kubernetes' controllers make them: template hashes and random pod suffixes (seeded). */
import type { Rng } from '../net/seeded-rng.js';

/** k8s.io/apimachinery/pkg/util/rand alphabet: no vowels, no confusable characters. */
const alphanums = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: each character mapped into the alphabet. */
function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += alphanums[s.charCodeAt(i) % alphanums.length];
  return out;
}

/** FNV-1a 32-bit. */
function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** pod-template-hash of a pod template (the deployment controller's ComputeHash: FNV over the template, safe-encoded). */
export function templateHash(template: unknown, collisionCount = 0): string {
  return safeEncode(String(fnv32a(JSON.stringify(template) + (collisionCount ? String(collisionCount) : ''))));
}

/** A 5-character random suffix (generateName), drawn from a seeded stream. */
export function randomSuffix(rng: Rng, length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphanums[Math.floor(rng() * alphanums.length)];
  return out;
}

/** The pod-template-hash embedded in a `deploy-hash-xxxxx` pod name, if the name has that shape. */
export function hashFromPodName(podName: string, deployment: string): string | undefined {
  if (!podName.startsWith(`${deployment}-`)) return undefined;
  return /^([a-z0-9]{5,10})-[a-z0-9]{5}$/.exec(podName.slice(deployment.length + 1))?.[1];
}
