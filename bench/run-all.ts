/**
 * Runs every benchmark under bench/ one after the other (they share the machine, so never at once);
 * each writes its own bench/results/<name>.json. Run: npm run bench, or `npm run bench -- ack scale`
 * for the named ones only (the chaos soak alone takes many minutes).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const all = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
const unknown = only.filter((n) => !all.includes(`${n}.bench.ts`));
if (unknown.length > 0) {
  console.error(`no such benchmark: ${unknown.join(', ')} (there are: ${all.map((f) => f.replace('.bench.ts', '')).join(', ')})`);
  process.exit(2);
}
const benches = only.length > 0 ? all.filter((f) => only.includes(f.replace('.bench.ts', ''))) : all;
let failed = 0;
for (const file of benches) {
  console.log(`\n== ${file}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, file)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
