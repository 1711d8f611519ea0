/**
 * The readiness model behind /readyz: named conditions, each either checked when asked (a probe
 * with a timeout: Redis answers PING) or set by the code that knows (Slack auth was verified, the
 * worker consumes its queue). A required condition that fails makes the process not ready; an
 * advisory one (Redis keeps nothing on disk) only warns. Other code adds its own conditions.
 */

/** The state of one condition. */
export interface ConditionState {
  ok: boolean;
  /** What was found, in plain words ("PONG in 2 ms", "auth.test: ECONNREFUSED"). */
  detail: string;
}

export interface ConditionReport extends ConditionState {
  name: string;
  /** false: advisory, it warns but does not make the process not ready. */
  required: boolean;
}

export interface ReadinessReport {
  ready: boolean;
  conditions: ConditionReport[];
}

/** A condition set from outside (push style). */
export interface ConditionHandle {
  set(ok: boolean, detail: string): void;
  readonly state: ConditionState;
}

interface Entry {
  name: string;
  required: boolean;
  probe?: () => Promise<ConditionState> | ConditionState;
  timeoutMs: number;
  state: ConditionState;
}

export class Readiness {
  private readonly entries: Entry[] = [];

  private add(name: string, e: Omit<Entry, 'name'>): Entry {
    if (this.entries.some((x) => x.name === name)) throw new Error(`readiness condition "${name}" is defined twice`);
    const entry = { name, ...e };
    this.entries.push(entry);
    return entry;
  }

  /**
   * A condition checked at each /readyz (and by `report()`).
   * @param probe - resolves to the state; a throw or a timeout counts as not ok with its message
   */
  probe(name: string, probe: () => Promise<ConditionState> | ConditionState, opts: { required?: boolean; timeoutMs?: number } = {}): void {
    this.add(name, { required: opts.required ?? true, probe, timeoutMs: opts.timeoutMs ?? 2000, state: { ok: false, detail: 'not checked yet' } });
  }

  /** A condition the owner sets; it starts not ok with `initial` as the detail. */
  condition(name: string, initial = 'starting', opts: { required?: boolean } = {}): ConditionHandle {
    const entry = this.add(name, { required: opts.required ?? true, timeoutMs: 0, state: { ok: false, detail: initial } });
    return {
      set(ok, detail) {
        entry.state = { ok, detail };
      },
      get state() {
        return entry.state;
      },
    };
  }

  private async evaluate(e: Entry): Promise<ConditionState> {
    if (!e.probe) return e.state;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<ConditionState>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${e.timeoutMs} ms` }), e.timeoutMs);
      });
      e.state = await Promise.race([Promise.resolve().then(e.probe), timeout]);
    } catch (err) {
      e.state = { ok: false, detail: (err as Error).message };
    } finally {
      clearTimeout(timer);
    }
    return e.state;
  }

  /** Every condition now; ready when every required one is ok. */
  async report(): Promise<ReadinessReport> {
    const conditions = await Promise.all(this.entries.map(async (e) => ({ name: e.name, required: e.required, ...(await this.evaluate(e)) })));
    return { ready: conditions.every((c) => c.ok || !c.required), conditions };
  }
}
