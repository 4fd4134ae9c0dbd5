#!/usr/bin/env node
// Thin launcher: registers the TypeScript loader, then hands over to the CLI.
// tsx is a dev dependency: a production install runs the compiled CLI instead (docs/production.md).
const tsx = await import('tsx/esm/api').catch((error) => {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  console.error('storebench: tsx (a dev dependency) is not installed: run `npm ci` in a checkout.');
  console.error('Production runs the compiled CLI instead, dist/cli/storebench.mjs (docs/production.md).');
  process.exit(1);
});
tsx.register();
const { main } = await import('../harness/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
