/**
 * Image pulls as a node's kubelet does them: an image the node already has starts at once (the
 * images of the pods the scenario put on it, CoreDNS's), a first pull takes the node's
 * `imagePullSeconds`, a pull under way is shared by every pod waiting for it, and the image stays
 * on the node afterwards (even when the pod that asked for it was deleted meanwhile). `Never` with
 * an absent image fails as the kubelet does (ErrImageNeverPull).
 */

export type PullOutcome = { waitMs: number } | { never: { reason: 'ErrImageNeverPull'; message: string } };

export class ImagePulls {
  /** node → image → when it is (or will be) present, in ms since epoch. */
  private readonly present = new Map<string, Map<string, number>>();

  constructor(
    private readonly pullSeconds: (node: string) => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Marks an image as present on a node from the start (pods already running there). */
  have(node: string, image: string): void {
    this.imagesOf(node).set(image, 0);
  }

  /** What starting a container of `image` on `node` with `policy` waits for. */
  pull(node: string, image: string, policy: string | undefined): PullOutcome {
    const images = this.imagesOf(node);
    const at = images.get(image);
    const now = this.now();
    if (at !== undefined) return { waitMs: Math.max(0, at - now) };
    if (policy === 'Never') return { never: { reason: 'ErrImageNeverPull', message: `Container image "${image}" is not present with pull policy of Never` } };
    const readyAt = now + this.pullSeconds(node) * 1000;
    images.set(image, readyAt);
    return { waitMs: readyAt - now };
  }

  private imagesOf(node: string): Map<string, number> {
    let m = this.present.get(node);
    if (!m) this.present.set(node, (m = new Map()));
    return m;
  }
}
