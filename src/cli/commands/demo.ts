/**
 * `dnswhy demo`: walks through every seed incident in the embedded lab. For each scenario it prints the
 * report, applies the proven fix the scenario asks for through the lab's API, and shows the healthy re-run.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Command } from 'commander';
import pc from 'picocolors';
import type { ExpectationOutcome } from '../../lab/expectations/lab-expectations.js';
import { exitCodes } from '../exit-codes.js';
import { useColor } from '../color.js';
import { addExamples } from '../help.js';
import { packageRoot } from '../package-root.js';
import { backendOption, enterBackend, type LabBackendName } from '../lab-backend-option.js';

export function demoCommand(): Command {
  const cmd = new Command('demo')
    .description('diagnose every seed incident in the embedded lab, apply each proven fix, and show the healthy re-run')
    .argument('[files...]', 'scenario files (default: every scenario shipped in scenarios/)')
    .addOption(backendOption())
    .action(async (files: string[], opts: { backend?: LabBackendName }) => {
      if (await enterBackend(opts.backend)) return;
      const [{ testScenarioFile }, { renderText }] = await Promise.all([
        import('../../lab/expectations/lab-expectations.js'),
        import('../../core/report/render-text.js'),
      ]);
      const show = showWith(renderText);
      const color = useColor(process.stdout);
      const scenariosDir = join(packageRoot(), 'scenarios');
      const list = files.length ? files : readdirSync(scenariosDir).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(scenariosDir, f));
      let failures = 0;
      for (const file of list) {
        const title = `━━ ${relative(process.cwd(), file)} ━━`;
        process.stdout.write(`\n${color ? pc.bold(title) : title}\n`);
        try {
          await testScenarioFile(file, {
            onExpectation: (e) => {
              if (!e.ok) failures++;
              process.stdout.write(show(e, color));
            },
          });
        } catch (err) {
          failures++;
          process.stdout.write(`could not run ${file}: ${(err as Error).message}\n`);
        }
      }
      process.stdout.write(`\n${failures === 0 ? 'Every scenario was diagnosed as expected.' : `${failures} expectation(s) did not hold.`}\n`);
      process.exitCode = failures === 0 ? exitCodes.ok : exitCodes.finding;
    });
  return addExamples(cmd, ['dnswhy demo', 'dnswhy demo scenarios/000-hybrid-cloud-split-horizon.yaml --backend netns']);
}

type RenderText = typeof import('../../core/report/render-text.js').renderText;

const showWith = (renderText: RenderText) => (e: ExpectationOutcome, color: boolean): string => {
  const parts: string[] = [`\n$ dnswhy why ${e.pod} ${e.name}\n`];
  if (e.report) parts.push(renderText(e.report, { color }));
  if (e.applied) {
    parts.push(`\n→ applying the proven ${e.applied.fix.kind}: ${e.applied.fix.title}\n`);
    for (const step of e.applied.steps) parts.push(`  ${step.ok ? '·' : '!'} ${step.step}${step.detail ? `: ${step.detail}` : ''}\n`);
    parts.push(`\n$ dnswhy why ${e.pod} ${e.name}   # after the fix\n`);
    parts.push(renderText(e.applied.rerun, { color }));
  }
  if (e.problems.length) parts.push(`\n${e.problems.map((p) => `! ${p}`).join('\n')}\n`);
  return parts.map((p) => (p.endsWith('\n') ? p : `${p}\n`)).join('');
};
