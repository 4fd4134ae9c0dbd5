// Compiles the storebench CLI to plain JavaScript for the API's runtime image (docker/api.Dockerfile),
// so that production runs no TypeScript loader (tsx and its esbuild binary stay dev dependencies).
//
// One ESM bundle of our own code, TypeScript stripped by esbuild (no type check: `npm run typecheck`
// does that), not minified so stack traces keep our function names. npm packages stay imports,
// resolved from node_modules at run time: the production install (`npm ci --omit=dev`) provides
// those the API commands import. Each command is a chunk loaded on demand, as in the source, so
// `serve` never loads the chart or load-generator code of `compare`. Chunks sit beside the entry,
// two levels under the root (dist/cli/), like the sources, so paths built from import.meta.url
// (the repo root, package.json) resolve the same as under tsx.
//   node scripts/build-api.mjs [--outdir dist/cli]
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist/cli' } } });
const outdir = resolve(root, values.outdir);

const result = await build({
  // The same entry as bin/storebench.mjs, minus the TypeScript loader it registers.
  stdin: {
    contents:
      "#!/usr/bin/env node\nimport { main } from './harness/cli/main.ts';\nprocess.exitCode = await main(process.argv.slice(2));\n",
    resolveDir: root,
    sourcefile: 'storebench.ts',
    loader: 'ts',
  },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outdir,
  entryNames: 'storebench',
  chunkNames: '[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  metafile: true,
  logLevel: 'warning',
});

// Executable, so the image can put it on PATH as `storebench`.
chmodSync(join(outdir, 'storebench.mjs'), 0o755);

const outputs = Object.entries(result.metafile.outputs);
const bytes = outputs.reduce((sum, [, output]) => sum + output.bytes, 0);
console.log(
  `build-api: ${relative(root, outdir)}/storebench.mjs + ${outputs.length - 1} chunks, ${(bytes / 1024).toFixed(0)} KiB`,
);
