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

// The same entry as bin/storebench.mjs minus the TypeScript loader it registers, plus a clear word when
// a harness command meets the production install, which lacks the harness's packages.
const ENTRY = `#!/usr/bin/env node
import { main } from './harness/cli/main.ts';
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  console.error(\`storebench: \${error.message}
This is the API's production build (dependencies only): the harness commands need every package
(npm ci in a checkout) or the harness image (docker/harness.Dockerfile).\`);
  process.exitCode = 1;
}
`;

const result = await build({
  stdin: {
    contents: ENTRY,
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
