/**
 * `dnswhy lab test FILE...`: checks every scenario's `expect` list against real diagnoses in the lab.
 * One line per expectation; `--json` prints the shape docs/lab-scenario.md promises. Exit 0 when all hold.
 */
import { Command } from 'commander';
import pc from 'picocolors';
import type { ExpectationOutcome, ScenarioOutcome } from '../../lab/expectations/lab-expectations.js';
import { exitCodes } from '../exit-codes.js';
import { useColor } from '../color.js';
import { addExamples } from '../help.js';
import { intOption } from '../option-parsers.js';
import { backendOf, backendOption, enterBackend, type LabBackendName } from '../lab-backend-option.js';

export function labTestCommand(): Command {
  const cmd = new Command('test')
    .description("run each scenario's expectations against the diagnosis (a fresh lab per expectation)")
    .argument('<files...>', 'scenario files')
    .option('--json', 'print {"scenarios":[...]} as JSON')
    .option('--burst <count>', 'burst probe size', intOption('--burst', 1), 200)
    .addOption(backendOption())
    .action(async (files: string[], opts: { json?: boolean; burst: number; backend?: LabBackendName }, self: Command) => {
      if (await enterBackend(backendOf(self))) return;
      const { testScenarioFile } = await import('../../lab/expectations/lab-expectations.js');
      const color = useColor(process.stdout) && !opts.json;
      const results: ScenarioOutcome[] = [];
      for (const file of files) {
        try {
          const outcome = await testScenarioFile(file, {
            burst: { count: opts.burst, concurrency: 20 },
            onExpectation: (e) => {
              if (!opts.json) process.stdout.write(`${line(file, e, color)}\n`);
            },
          });
          results.push(outcome);
        } catch (err) {
          const failed: ScenarioOutcome = {
            file,
            name: file,
            expectations: [{ pod: '-', name: '-', ok: false, verdict: 'error', findings: [], problems: [(err as Error).message] }],
          };
          results.push(failed);
          if (!opts.json) process.stdout.write(`${line(file, failed.expectations[0]!, color)}\n`);
        }
      }
      const all = results.flatMap((r) => r.expectations);
      const failed = all.filter((e) => !e.ok).length;
      if (opts.json) {
        const json = {
          scenarios: results.map((r) => ({
            name: r.name,
            file: r.file,
            expectations: r.expectations.map(({ pod, name, ok, verdict, findings, problems }) => ({ pod, name, ok, verdict, findings, problems })),
          })),
        };
        process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      } else {
        process.stdout.write(`${all.length - failed} of ${all.length} expectations hold\n`);
      }
      process.exitCode = failed === 0 ? exitCodes.ok : exitCodes.finding;
    });
  return addExamples(cmd, ['dnswhy lab test scenarios/*.yaml', 'dnswhy lab test scenarios/000-hybrid-cloud-split-horizon.yaml --json']);
}

function line(file: string, e: ExpectationOutcome, color: boolean): string {
  const mark = e.ok ? (color ? pc.green('ok  ') : 'ok  ') : color ? pc.red('FAIL') : 'FAIL';
  const fixed = e.applied ? ` → applied ${e.applied.fix.kind}, re-run ${e.applied.rerun.verdict}` : '';
  const head = `${mark} ${file}: why ${e.pod} ${e.name}: ${e.verdict} [${e.findings.join(', ')}]${fixed}`;
  return e.problems.length ? `${head}\n${e.problems.map((p) => `       - ${p}`).join('\n')}` : head;
}
