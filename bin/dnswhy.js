#!/usr/bin/env node
// Runs the dnswhy CLI in this process (signals such as Ctrl-C and `kill -INT` reach the lab directly).
// An installed package (npm, the container image) has only the compiled build, dist/, and runs it:
// nothing is compiled or written at start, so it works as a non-root user on a read-only file system.
// In a source checkout, the compiled build is used when it is newer than every source file
// (`npm install` builds it); otherwise the TypeScript runs through tsx, a development dependency.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
const compiled = join(root, 'dist', 'src', 'cli', 'main.js');
const sources = ['src', 'jobs'].map((d) => join(root, d)).filter((d) => existsSync(d));

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function compiledIsFresh() {
  if (!existsSync(compiled) || !existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return sources.every((d) => newestSource(d) <= built);
}

let entry;
if (sources.length === 0) {
  // An installed package: the compiled build is all there is.
  if (!existsSync(compiled)) {
    process.stderr.write(`dnswhy: ${compiled} is missing: this package was packed without its build (run \`npm run build\` before \`npm pack\`)\n`);
    process.exit(70);
  }
  entry = compiled;
} else if (compiledIsFresh()) {
  entry = compiled;
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('dnswhy: the compiled build is missing or older than the sources, and tsx (a development dependency) is not installed: run `npm run build`\n');
    process.exit(70);
  }
  register();
  entry = join(root, 'src', 'cli', 'main.ts');
}
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
