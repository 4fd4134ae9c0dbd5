import cluster from 'node:cluster';
import { DatabaseRequiredError } from '../../core/errors.ts';
import { createLogger } from '../../core/logging/index.ts';
import { BACKEND_NAMES } from '../backends/index.ts';
import { describeConfig, optionsHelp, resolveServeConfig, startServing } from '../serving/index.ts';
import { FLAG_HELP } from './flags.ts';

const HELP = `usage: storebench serve [--backend ${BACKEND_NAMES.join('|')}] [--url URL] [--port 3000] [options]

Serves the API on one backend until SIGTERM/SIGINT (then finishes in-flight requests, answering them with
Connection: close, and closes the backend).

Every option has a STOREBENCH_* variable; a flag wins over its variable, a variable over the default. The
values are checked once at start (a bad one: exit 2 with a line naming it) and logged as the
\`configuration\` line, passwords redacted.

Start-up does not wait for the database: the process listens at once (/healthz 200, /readyz 503), migrates
in the background retrying with backoff, and turns ready once the database answers. --require-db makes one
attempt instead and exits 1 with one line if the database does not answer.

--seed-workloads fills the listed workloads with the deterministic data set before serving, after reset(),
which empties every workload of the backend, not only the listed ones. The memory backend is seeded in
every worker, since its data lives in the process; a database backend is seeded once.
  --scale S            ${FLAG_HELP.scale}

--instances N (N > 1) starts N API processes on free loopback ports, each with --workers workers, and
nginx on --port in front of them (least_conn by default). The memory backend keeps its data per process,
so writes made through one process are not seen by the others.

--experiment-routes mounts GET /experiment/busy?ms=N (N ms of CPU on the event loop, then 200): the
deliberately slow request class of the scale-out experiment. Not part of the API contract.

On stdout: JSON lines, one object each. Log lines carry \`level\`, \`time\`, \`msg\`; the lines the harness
reads also carry a \`storebench\` key (\`seeded\`, then \`serving\` with the URL; with --report-pauses a line
per garbage collection and per second of event-loop delay).

Options (flag, variable):
${optionsHelp()}`;

export async function run(argv: string[]): Promise<number> {
  const { config, sources, flagsAsEnvironment, help } = resolveServeConfig(argv);
  if (help) {
    console.log(HELP);
    return 0;
  }
  const logger = createLogger(config.logLevel);
  // Cluster workers re-run this command with the same configuration: the primary speaks for them.
  if (cluster.isPrimary) logger.info({ config: describeConfig(config), sources }, 'configuration');
  try {
    await startServing(config, flagsAsEnvironment, logger);
  } catch (error) {
    if (!(error instanceof DatabaseRequiredError)) throw error;
    logger.fatal(`cannot start: ${error.message} (without --require-db, serve waits for the database)`);
    return 1;
  }
  return new Promise<number>(() => {}); // runs until a signal ends the process
}
