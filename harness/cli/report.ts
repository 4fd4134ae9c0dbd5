import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderComparison, renderReport, rerunText, verdictText } from '../report/index.ts';
import { renderRepeatability, repeatabilitySummary, repeatDirName, runDirId } from '../report/repeatability.ts';

const HELP = `usage: storebench report <run-dir> [<run-dir-after>] [--out DIR]
       storebench report --repeat <run-dir> <run-dir> [<run-dir>...] [--out DIR]

  storebench report results/<run-id>
      regenerates charts/*.png, report.md and report.html of the run from its run.json alone
  storebench report results/<run-a> results/<run-b> [--out DIR]
      before/after comparison of two runs (a = before, b = after): comparison.md, comparison.html
      and charts/ in DIR (default results/compare-<run-a>-vs-<run-b>)
  storebench report --repeat results/<run-1> results/<run-2> results/<run-3> [--out DIR]
      repeatability of runs of one command: whether every workload's verdict came out the same,
      which runs' medians fall outside another run's interval, and whether whole runs moved a
      figure further than its trials vary within a run (a permutation test): repeatability.md
      and repeatability.html in DIR (default results/repeat-<run-1>-to-<run-N>)

A run directory may also be given as the path of its run.json.`;

export async function run(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.repeat ? positionals.length < 2 : positionals.length < 1 || positionals.length > 2) {
    console.error(values.repeat ? `--repeat needs two run directories or more\n\n${HELP}` : HELP);
    return 2;
  }
  const parentOf = (dir: string): string => dirname(resolve(dir.endsWith('.json') ? dirname(dir) : dir));
  try {
    if (values.repeat) {
      const first = positionals[0]!;
      const outDir = values.out ?? join(parentOf(first), repeatDirName(first, positionals[positionals.length - 1]!));
      const rendered = await renderRepeatability(positionals, outDir);
      console.log(`wrote ${rendered.markdownPath}`);
      console.log(`wrote ${rendered.htmlPath}`);
      console.log(repeatabilitySummary(rendered.analysis));
      for (const w of rendered.analysis.warnings) console.warn(`warning: ${w}`);
      return 0;
    }
    const [first, second] = positionals;
    if (first !== undefined && second === undefined) {
      const report = await renderReport(first);
      console.log(`wrote ${report.markdownPath}`);
      console.log(`wrote ${report.htmlPath}`);
      console.log(`wrote ${report.charts.length} charts under ${join(report.runDir, 'charts')}`);
      for (const w of report.workloads) {
        console.log(`${w.workload}: ${verdictText(w.recommendation)} (${w.recommendation.reason})`);
        if (w.rerun) console.log(`  rerun check: ${rerunText(w.rerun)}`);
      }
      return 0;
    }
    if (first === undefined || second === undefined) return 2;
    const outDir = values.out ?? join(parentOf(second), `compare-${runDirId(first)}-vs-${runDirId(second)}`);
    const comparison = await renderComparison(first, second, outDir);
    console.log(`wrote ${comparison.markdownPath}`);
    console.log(`wrote ${comparison.htmlPath}`);
    for (const w of comparison.warnings) console.warn(`warning: ${w}`);
    return 0;
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') {
      console.error(`no run.json: ${err.path ?? err.message}`);
      return 1;
    }
    if (error instanceof SyntaxError || (error instanceof Error && error.message.includes('schema version'))) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' }, repeat: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
}
