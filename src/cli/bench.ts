/**
 * `npm run bench [-- name ...]`: runs every benchmark module in src/cli/bench/ (or the named
 * ones) one after another, so their timings never compete for the CPU.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

interface BenchModule {
  /** One line saying what it measures. */
  title: string;
  /** A long benchmark (the soak) runs only when named. */
  onlyWhenNamed?: boolean;
  bench(): Promise<void>;
}

const dir = join(dirname(fileURLToPath(import.meta.url)), 'bench');
const wanted = process.argv.slice(2);
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .filter((n) => wanted.length === 0 || wanted.includes(n))
  .sort();

if (names.length === 0) {
  console.error(`No benchmark matches ${wanted.join(', ')}.`);
  process.exit(2);
}
for (const name of names) {
  const mod = (await import(pathToFileURL(join(dir, `${name}.ts`)).href)) as BenchModule;
  if (mod.onlyWhenNamed === true && !wanted.includes(name)) {
    console.log(`\n## ${name}: skipped (long; run it with npm run bench -- ${name})`);
    continue;
  }
  console.log(`\n## ${name}: ${mod.title}\n`);
  await mod.bench();
}
