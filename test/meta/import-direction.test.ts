/**
 * Dependencies point inward (docs/architecture.md): nothing in src/core or src/checks imports Slack,
 * BullMQ, ioredis, the Kubernetes client, sockets, or the outer layers; the folders on either side
 * of Redis never import each other; production code never loads the lab or the emulators; and no
 * module imports itself through a cycle. Each rule has a self-test that shows it can fail.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edgesOf, importCycles, importSpecs, importsOf, repoRoot as root, sourceFiles, type ImportEdge } from '../helpers/import-graph.js';

const forbiddenPackages = [/^@slack\//, /^bullmq$/, /^ioredis$/, /^@kubernetes\/client-node$/, /^(node:)?(dgram|net|tls|http|https|http2|child_process|dns)$/, /^ws$/, /^undici$/];
const forbiddenLayers = ['src/probes', 'src/lab', 'src/queue', 'src/slack', 'src/cli', 'jobs'];

const under = (folder: string) => (path: string) => path === folder || path.startsWith(`${folder}/`);
const isSlack = (to: string) => under('src/slack')(to) || /^@slack\//.test(to);
/** Production code: what a deployed app or worker runs. The lab, the emulators and the CLI (which may open a lab) are not. */
const isProduction = (path: string) => (under('src')(path) || under('jobs')(path)) && !['src/lab', 'src/emulators', 'src/cli'].some((f) => under(f)(path));

/** A folder-level rule: no import from `from` to `to`, unless `allowed` says this one edge is the sanctioned exception. */
interface Rule {
  name: string;
  from: (path: string) => boolean;
  to: (path: string) => boolean;
  allowed?: (edge: ImportEdge) => boolean;
  /** An import that breaks the rule, for the self-test. */
  breaking: ImportEdge;
}

/** src/diagnosis/open-cluster.ts opens a lab on request, loading it with import() so real-cluster runs never do. */
const opensLab = (e: ImportEdge) => e.from === 'src/diagnosis/open-cluster.ts' && e.to === 'src/lab/lab.ts' && e.dynamic;

const rules: Rule[] = [
  { name: 'jobs/ does not import src/slack', from: under('jobs'), to: isSlack, breaking: { from: 'jobs/diagnose.ts', to: 'src/slack/blocks/report-blocks.ts', dynamic: false } },
  { name: 'src/slack does not import jobs/', from: under('src/slack'), to: under('jobs'), breaking: { from: 'src/slack/app.ts', to: 'jobs/classify-error.ts', dynamic: false } },
  { name: 'src/remediation does not import src/probes', from: under('src/remediation'), to: under('src/probes'), breaking: { from: 'src/remediation/apply-fix.ts', to: 'src/probes/gather/cluster-reads.ts', dynamic: false } },
  { name: 'src/diagnosis does not import src/lab (but open-cluster.ts may load the lab lazily)', from: under('src/diagnosis'), to: under('src/lab'), allowed: opensLab, breaking: { from: 'src/diagnosis/run-diagnosis.ts', to: 'src/lab/lab.ts', dynamic: true } },
  { name: 'production code does not import src/lab or src/emulators', from: isProduction, to: (t) => under('src/lab')(t) || under('src/emulators')(t), allowed: opensLab, breaking: { from: 'src/slack/app.ts', to: 'src/emulators/slack/slack-emulator.ts', dynamic: true } },
  { name: 'src/store does not import Slack', from: under('src/store'), to: isSlack, breaking: { from: 'src/store/post-ledger.ts', to: '@slack/web-api', dynamic: false } },
  { name: 'src/queue does not import Slack', from: under('src/queue'), to: isSlack, breaking: { from: 'src/queue/job-data.ts', to: 'src/slack/blocks/block-types.ts', dynamic: false } },
];

function violations(rule: Rule, edges: ImportEdge[]): string[] {
  return edges.filter((e) => rule.from(e.from) && rule.to(e.to) && !rule.allowed?.(e)).map((e) => `${e.from} imports ${e.to}`);
}

describe('import direction', () => {
  it('finds imports in all their forms (the scanner itself can fail)', () => {
    const sample = `import dgram from 'node:dgram';\nexport { x } from "../probes/x.js";\nconst m = await import('bullmq');\nimport './side-effect.js';`;
    expect(importsOf(sample)).toEqual(['node:dgram', '../probes/x.js', 'bullmq', './side-effect.js']);
    expect(importSpecs(sample).map((s) => s.dynamic)).toEqual([false, false, true, false]);
  });

  for (const layer of ['src/core', 'src/checks']) {
    it(`${layer} imports no I/O library and no outer layer`, () => {
      const problems: string[] = [];
      for (const file of sourceFiles(join(root, layer))) {
        for (const spec of importsOf(readFileSync(file, 'utf8'))) {
          const rel = relative(root, file);
          if (forbiddenPackages.some((re) => re.test(spec))) problems.push(`${rel} imports ${spec}`);
          if (spec.startsWith('.')) {
            const target = relative(root, join(file, '..', spec));
            if (forbiddenLayers.some((l) => target.startsWith(l))) problems.push(`${rel} imports ${target}`);
          }
        }
      }
      expect(problems).toEqual([]);
    });
  }

  const production = edgesOf(['src', 'jobs'].flatMap((d) => sourceFiles(join(root, d))));
  for (const rule of rules) {
    it(`${rule.name} (and the rule can fail)`, () => {
      expect(violations(rule, [rule.breaking]), 'the self-test import must break the rule').toHaveLength(1);
      expect(violations(rule, production)).toEqual([]);
    });
  }

  it('lets only open-cluster.ts load the lab, and only lazily', () => {
    const diagnosisToLab = rules.find((r) => r.name.startsWith('src/diagnosis'))!;
    expect(violations(diagnosisToLab, [{ from: 'src/diagnosis/open-cluster.ts', to: 'src/lab/lab.ts', dynamic: true }])).toEqual([]);
    expect(violations(diagnosisToLab, [{ from: 'src/diagnosis/open-cluster.ts', to: 'src/lab/lab.ts', dynamic: false }])).toHaveLength(1);
  });

  it('has no import cycle anywhere in src, jobs, test and bench (and the check can fail)', () => {
    const sample: ImportEdge[] = [
      { from: 'a.ts', to: 'b.ts', dynamic: false },
      { from: 'b.ts', to: 'c.ts', dynamic: false },
      { from: 'c.ts', to: 'a.ts', dynamic: false },
      { from: 'c.ts', to: 'd.ts', dynamic: false },
      { from: 'd.ts', to: 'd.ts', dynamic: false },
      { from: 'e.ts', to: 'a.ts', dynamic: false },
    ];
    expect(importCycles(sample)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['d.ts']]);
    const everything = edgesOf(['src', 'jobs', 'test', 'bench'].flatMap((d) => sourceFiles(join(root, d))));
    expect(importCycles(everything)).toEqual([]);
  });
});
