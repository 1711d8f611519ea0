/**
 * Checks a scenario's `expect` list against real diagnoses in the embedded lab (docs/lab-scenario.md, "expect").
 * Every expectation runs in a fresh lab, so an applied fix never leaks into the next one.
 */
import type { Fix } from '../../core/model/finding.js';
import type { Report } from '../../core/model/report.js';
import { workloadShortNames } from '../../core/model/workload-kinds.js';
import type { ApplyStep } from '../../remediation/apply-types.js';
import { applyFix } from '../../remediation/apply-fix.js';
import { openCluster } from '../../diagnosis/open-cluster.js';
import { runDiagnosis, type DiagnosisOptions } from '../../diagnosis/run-diagnosis.js';
import type { ScenarioExpectation } from '../scenario/schema.js';
import { problemsWith, reportedIds } from './expectation.js';

export interface ExpectationOutcome {
  pod: string;
  name: string;
  ok: boolean;
  verdict: Report['verdict'] | 'error';
  findings: string[];
  problems: string[];
  report?: Report;
  /** When the expectation asked for `applyFix`: what was applied and the re-run's report. */
  applied?: { fix: Fix; steps: ApplyStep[]; rerun: Report };
}

export interface ScenarioOutcome {
  file: string;
  name: string;
  expectations: ExpectationOutcome[];
}

export interface LabTestOptions extends DiagnosisOptions {
  /** Called after each expectation (the CLI prints as it goes). */
  onExpectation?: (outcome: ExpectationOutcome) => void;
}

/** Runs every expectation of one scenario file. */
export async function testScenarioFile(file: string, opts: LabTestOptions = {}): Promise<ScenarioOutcome> {
  const { loadScenarioFile } = await import('../scenario/load-scenario.js');
  const scenario = loadScenarioFile(file);
  const expectations: ExpectationOutcome[] = [];
  for (const expectation of scenario.expect) {
    const outcome = await testExpectation(file, expectation, opts);
    opts.onExpectation?.(outcome);
    expectations.push(outcome);
  }
  return { file, name: scenario.name, expectations };
}

async function testExpectation(file: string, expectation: ScenarioExpectation, opts: DiagnosisOptions): Promise<ExpectationOutcome> {
  const base = { pod: expectation.why.pod, name: expectation.why.name };
  const cluster = await openCluster({ lab: file });
  try {
    const target = { pod: expectation.why.pod, name: expectation.why.name, port: expectation.why.port };
    const report = await runDiagnosis(cluster, target, opts);
    const problems = problemsWith(report, expectation);
    const outcome: ExpectationOutcome = { ...base, ok: false, verdict: report.verdict, findings: reportedIds(report), problems, report };
    if (expectation.applyFix) {
      const fix = report.findings.flatMap((f) => f.fixes).find((f) => f.kind === expectation.applyFix);
      if (!fix) {
        problems.push(`applyFix: no ${expectation.applyFix} fix was offered`);
      } else if (fix.kind === 'advice') {
        problems.push('applyFix: an advice fix cannot be applied');
      } else {
        const result = await applyFix(cluster.access, fix, { restartIfNeeded: true });
        // A workload patch rolls the pod out under a new name: follow it through its owner.
        const rerunTarget =
          fix.kind === 'workload-patch' ? { ...target, pod: `${workloadShortNames[fix.target.kind]}/${fix.target.name}`, namespace: fix.target.namespace } : target;
        const rerun = await runDiagnosis(cluster, rerunTarget, opts);
        outcome.applied = { fix, steps: result.steps, rerun };
        if (rerun.verdict !== 'healthy') {
          problems.push(`after applying the ${fix.kind} the verdict is ${rerun.verdict}: ${rerun.summary}`);
        }
      }
    }
    outcome.ok = problems.length === 0;
    return outcome;
  } catch (err) {
    return { ...base, ok: false, verdict: 'error', findings: [], problems: [`diagnosis failed: ${(err as Error).message}`] };
  } finally {
    await cluster.close();
  }
}
