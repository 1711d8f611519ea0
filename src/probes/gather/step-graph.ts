/**
 * The gatherer as a graph of named steps. A step declares the steps whose results it uses
 * (`inputs`); all steps start together and each awaits an input only where it needs it, so a read
 * that needs another's result for one detail (zones for the DNS side) still starts at once.
 * `startSteps` wires the inputs and refuses a graph that names a step it does not contain or that
 * loops, so a new step cannot silently wait forever.
 */
import type { ClusterAccess, ClusterPod, ProbeImage } from '../../core/cluster-access.js';
import type { CorednsLocation } from '../../core/model/coredns-location.js';
import type { Evidence } from '../../core/model/index.js';
import type { GatherOptions, GatherTarget, GatherTimeouts } from './gather-options.js';
import type { Timing } from './run-step.js';

/** What every step may use: the resolved pod and the caller's choices, with defaults applied. */
export interface GatherContext {
  access: ClusterAccess;
  target: GatherTarget;
  /** The pod the argument resolved to. */
  pod: ClusterPod;
  /** The container exec runs in. */
  container: string;
  coredns: CorednsLocation;
  timeouts: GatherTimeouts;
  probeMode: NonNullable<GatherOptions['probeMode']>;
  probeImage: ProbeImage;
  /** Where probe pods go when not in the target's namespace (GatherOptions.probeNamespace). */
  probeNamespace?: string;
  options: GatherOptions;
  progress(step: string): void;
  /** When the steps started: the deep probes' budget counts from here, reads included. */
  started: Timing;
}

/** What a step yields: a value for the steps that use it, and its evidence (in the order it goes in the report). */
export interface StepResult<T> {
  value: T;
  evidence: Evidence[];
}

// `any` only lets a graph hold steps of any value type; each step's own `inputs` keep their types.
type SomeStep = GatherStep<any, any>;

/** The steps a step uses, by the name its `run` receives them under. */
export type StepInputs = Readonly<Record<string, SomeStep>>;

/** The value type of a step. */
export type ValueOf<S> = S extends GatherStep<infer T, any> ? T : never;

/** What `run` receives: each input's result, as a promise to await where it is needed. */
export type InputResults<I extends StepInputs> = { [K in keyof I]: Promise<StepResult<ValueOf<I[K]>>> };

export interface GatherStep<T, I extends StepInputs = StepInputs> {
  /** Named in graph errors and tests. */
  name: string;
  inputs: I;
  /** Never rejects for a cluster problem: failures become probe-error evidence. */
  run(ctx: GatherContext, inputs: InputResults<I>): Promise<StepResult<T>>;
}

/** Declares a step (an identity function that lets TypeScript infer the input types). */
export function defineStep<T, I extends StepInputs = Record<never, never>>(step: GatherStep<T, I>): GatherStep<T, I> {
  return step;
}

/** Steps that have started: a step's result, or the evidence of several in list order, once they finish. */
export interface StartedSteps {
  result<T>(step: GatherStep<T, any>): Promise<StepResult<T>>;
  evidence(steps: readonly SomeStep[]): Promise<Evidence[]>;
}

/**
 * Start every step of `graph` (inputs before the steps that use them, all within the same turn).
 * Throws when a step's input is not in the graph or the inputs form a cycle.
 */
export function startSteps(ctx: GatherContext, graph: readonly SomeStep[]): StartedSteps {
  const running = new Map<SomeStep, Promise<StepResult<unknown>>>();
  const visiting = new Set<SomeStep>();
  const start = (step: SomeStep): Promise<StepResult<unknown>> => {
    const known = running.get(step);
    if (known) return known;
    if (!graph.includes(step)) throw new Error(`gather step "${step.name}" is used as an input but is not in the graph`);
    if (visiting.has(step)) throw new Error(`gather steps wait for each other in a cycle through "${step.name}"`);
    visiting.add(step);
    const inputs = Object.fromEntries(Object.entries(step.inputs as StepInputs).map(([key, input]) => [key, start(input)]));
    const result = step.run(ctx, inputs);
    // A step that nobody awaits yet must not turn a failure into an unhandled rejection; whoever
    // awaits it (a later step, or the gatherer) still sees the failure.
    result.catch(() => undefined);
    running.set(step, result);
    return result;
  };
  graph.forEach(start);
  const result = <T>(step: GatherStep<T, any>): Promise<StepResult<T>> => {
    const started = running.get(step);
    if (!started) throw new Error(`gather step "${step.name}" is not in the graph`);
    return started as Promise<StepResult<T>>;
  };
  return {
    result,
    evidence: async (steps) => (await Promise.all(steps.map(result))).flatMap((r) => r.evidence),
  };
}
