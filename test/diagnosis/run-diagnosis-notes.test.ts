/**
 * runDiagnosis keeps the notes of checks that could not judge and every report format shows them.
 * Real diagnosis in the embedded lab (seed 000) with probe pods and exec forbidden, so the real
 * registry's checks lack the twin probe's evidence, plus one extra check that throws.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCheck } from '../../src/checks/define-check.js';
import { checks } from '../../src/checks/registry.js';
import type { Report } from '../../src/core/model/index.js';
import { renderJson, renderMarkdown, renderText } from '../../src/core/report/index.js';
import { runDiagnosis } from '../../src/diagnosis/run-diagnosis.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { KubeClusterAccess } from '../../src/probes/kube/kube-cluster-access.js';
import { renderReport } from '../../src/slack/blocks/report-blocks.js';

const seed = join(import.meta.dirname, '..', '..', 'scenarios', '000-hybrid-cloud-split-horizon.yaml');

const throwing = defineCheck({
  id: 'always-throws',
  meta: { title: 'always throws', severity: 'error', docsUrl: 'src/checks/always-throws/README.md', messages: { m: { severity: 'error', text: 'never raised' } } },
  run: () => {
    throw new TypeError('cannot read the evidence');
  },
});

describe('runDiagnosis notes (lab with probe pods and exec forbidden)', () => {
  let lab: Lab;
  let report: Report;
  beforeAll(async () => {
    // Denials apply to the worker's service account (exec over WebSocket is authorised as get).
    lab = await startLab(seed, { deny: [{ verb: 'get', resource: 'pods/exec' }, { verb: 'create', resource: 'pods' }] });
    const access = KubeClusterAccess.fromKubeconfig(lab.workerKubeconfigPath);
    report = await runDiagnosis({ access, network: lab.network, name: 'lab' }, { pod: 'mos/mos-model', name: 's3.cloud-b.example' }, { burst: { count: 20, concurrency: 5 }, checks: [...checks, throwing] });
  }, 120_000);
  afterAll(async () => {
    await lab?.stop();
  });

  it('keeps a note for the check that threw and for each check that lacked evidence', () => {
    expect(report.notes).toEqual([
      'upstream-failure could not judge: no query to an upstream resolver was gathered',
      "intermittent-timeouts could not judge: no burst of queries from the pod's position was gathered",
      "search-path-amplification could not judge: no lookup of the name through the pod's resolv.conf was gathered",
      'always-throws could not run: cannot read the evidence',
    ]);
    expect(report.findings.map((f) => f.checkId)).not.toContain('always-throws');
  });

  it('does not call the name healthy when nothing ran from the pod: the verdict is inconclusive', () => {
    // Seed 000 is a split horizon: the worker's own answer is exactly what the pod must not get.
    expect(report.verdict).toBe('inconclusive');
    expect(report.findings.find((f) => f.checkId === 'healthy')?.messageId).toBe('untested-from-pod');
    expect(report.summary).toContain("was not tested from mos/");
    expect(renderText(report)).toMatch(/^INCONCLUSIVE /);
    expect(renderMarkdown(report)).toMatch(/^## Inconclusive: /);
  });

  it('shows the notes in text, Markdown, JSON and the Slack report', () => {
    expect(renderText(report)).toContain('Notes:\n  - upstream-failure could not judge');
    expect(renderMarkdown(report)).toContain('### Notes\n\n- upstream-failure could not judge');
    expect((JSON.parse(renderJson(report)) as { notes: string[] }).notes).toEqual(report.notes);
    const slack = JSON.stringify(renderReport(report, { askers: [] }));
    expect(slack).toContain(':warning: Notes: upstream-failure could not judge');
    expect(slack).toContain('always-throws could not run: cannot read the evidence');
  });
});
