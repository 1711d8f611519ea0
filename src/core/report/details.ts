/**
 * The details of a report, behind "Show details" in Slack and `--verbose` in the CLI: every finding
 * with its full explanation and the evidence it cites (by id), every fix with its target, proof,
 * control queries and change (a new server block shown whole), the resolution path hop by hop, the
 * evidence nobody cited, and what could not be probed. Nothing of the report is left out. Pure.
 */
import type { Finding, Fix, Report } from '../model/index.js';
import { briefOf } from './brief.js';
import { changeHash, changeText, isApplicable } from './change-view.js';
import { evidenceLine } from './evidence-line.js';
import { fixDurability, fixScope } from './fix-choice.js';

export interface FixDetail {
  index: number;
  fix: Fix;
  recommended: boolean;
  /** Short hash of the change (applicable fixes). */
  hash?: string;
  /** The change as text (a new server block whole, or the diff). */
  change?: string;
  /** Target, proof, control queries, restart, advice steps: one line each. */
  facts: string[];
}

export interface FindingDetail {
  index: number;
  finding: Finding;
  /** One line per cited evidence item, starting with its id in brackets. */
  evidence: string[];
  fixes: FixDetail[];
}

export interface ReportDetails {
  findings: FindingDetail[];
  /** The resolution path, one line per hop. */
  path: string[];
  /** Evidence items no finding cites, one line each. */
  otherEvidence: string[];
  notProbed: string[];
  /** Checks that threw or lacked evidence. */
  notes: string[];
}

function fixFacts(fix: Fix): string[] {
  const facts = [`blast radius: ${fix.blastRadius}`, `risk ${fix.risk}, touches ${{ workload: 'one workload', zone: 'one zone', cluster: 'every pod' }[fixScope(fix)]}, ${fixDurability(fix)}`];
  if (fix.kind === 'advice') return [...facts, ...fix.steps.map((s, i) => `${i + 1}. ${s}`)];
  facts.push(`changes: ${fix.changes}`);
  if (fix.kind === 'corefile-patch') {
    facts.push(`target: ConfigMap ${fix.target.namespace}/${fix.target.name} key ${fix.target.key}${fix.target.resourceVersion ? ` at resourceVersion ${fix.target.resourceVersion}` : ''}${fix.needsRestart ? '; CoreDNS must be restarted to load it (no reload plugin)' : ''}`);
  } else {
    facts.push(`target: ${fix.target.kind} ${fix.target.namespace}/${fix.target.name} (pod template)${fix.target.resourceVersion ? ` at resourceVersion ${fix.target.resourceVersion}` : ''}`);
  }
  const sim = fix.simulation;
  if (sim) {
    facts.push(`proof (simulated): ${sim.failing.name.replace(/\.$/, '')} ${sim.failing.type} from ${sim.failing.client}: ${sim.failing.before} → ${sim.failing.after}. ${sim.proof}`);
    if (sim.controls.length > 0) facts.push(`control queries: ${sim.controls.map((c) => `${c.name.replace(/\.$/, '')} from ${c.client} ${c.changed ? `CHANGES (${c.before} → ${c.after})` : 'unchanged'}`).join('; ')}`);
  }
  return facts;
}

/** The details of a report. */
export function detailsOf(report: Report): ReportDetails {
  const brief = briefOf(report);
  const recommended = new Map(brief.causes.map((c) => [c.index, c.recommended]));
  const byId = new Map(report.evidence.map((e) => [e.id, e]));
  const cited = new Set<string>();
  const findings = report.findings.map((finding, index): FindingDetail => {
    for (const id of finding.evidenceRefs) cited.add(id);
    return {
      index,
      finding,
      evidence: finding.evidenceRefs.map((id) => byId.get(id)).filter((e) => e !== undefined).map(evidenceLine),
      fixes: finding.fixes.map((fix, j) => ({
        index: j,
        fix,
        recommended: recommended.get(index) === j,
        ...(isApplicable(fix) ? { hash: changeHash(fix), change: changeText(fix) } : {}),
        facts: fixFacts(fix),
      })),
    };
  });
  for (const h of report.path) for (const id of h.evidenceRefs) cited.add(id);
  return {
    findings,
    path: report.path.map((h) => `${h.ok ? '✓' : '✗'} ${h.step}: ${h.detail}${h.ms !== undefined ? ` (${Math.round(h.ms)} ms)` : ''} [${h.evidenceRefs.join(', ')}]`),
    otherEvidence: report.evidence.filter((e) => !cited.has(e.id)).map(evidenceLine),
    notProbed: brief.notProbed,
    notes: brief.notes,
  };
}
