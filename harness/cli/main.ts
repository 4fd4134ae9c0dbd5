import { RunStopped, stopAllOwned, stopStatus } from '../provision/process-registry.ts';
import { UsageError } from './flags.ts';

/**
 * `storebench <command>`: parses nothing itself, dispatches to one module per
 * command. Each command module exports `run(argv): Promise<number>` (exit code)
 * and is a thin layer over harness functions.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<number> }> }> = {
  serve: { summary: 'serve the API on one backend', load: () => import('./serve.ts') },
  migrate: { summary: 'create the schema and indexes of a backend, then exit', load: () => import('./migrate.ts') },
  servers: { summary: 'install|up|down|status database servers', load: () => import('./servers.ts') },
  seed: { summary: 'seed a workload into a backend', load: () => import('./seed.ts') },
  import: { summary: 'import the Atelier CSV files into a backend', load: () => import('./import.ts') },
  verify: { summary: 'check that every backend answers like the memory reference', load: () => import('./verify.ts') },
  load: { summary: 'run a load ladder against a server', load: () => import('./load.ts') },
  compare: { summary: 'provision, seed, verify, load and report (the main job)', load: () => import('./compare.ts') },
  calibrate: {
    summary: "measure this machine's noise (A/A) and check a known difference is seen",
    load: () => import('./calibrate.ts'),
  },
  report: { summary: 'regenerate charts and reports from run.json', load: () => import('./report.ts') },
  'crash-test': {
    summary: 'kill -9 a database under steady writes; is every acknowledged write still there?',
    load: () => import('./crash-test.ts'),
  },
};

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return `usage: storebench <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nstorebench <command> --help for its options`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`unknown command: ${name}\n\n${usage()}`);
    return 2;
  }
  const module = await command.load();
  try {
    return await module.run(rest);
  } catch (error) {
    // A bad flag value or an unknown flag: one line naming it, no stack trace.
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`storebench ${name}: ${(error as Error).message} (see storebench ${name} --help)`);
      return 2;
    }
    // A signal asked the run to stop: it stops its servers and exits with the signal's status.
    if (error instanceof RunStopped) {
      console.error(`storebench ${name}: ${error.message}; stopping what it started`);
      await stopAllOwned();
      return stopStatus(error.signal);
    }
    throw error;
  }
}
