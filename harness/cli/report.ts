import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderComparison, renderReport, rerunText, verdictText } from '../report/index.ts';

const HELP = `usage: storebench report <run-dir> [<run-dir-after>] [--out DIR]

  storebench report results/<run-id>
      regenerates charts/*.png, report.md and report.html of the run from its run.json alone
  storebench report results/<run-a> results/<run-b> [--out DIR]
      before/after comparison of two runs (a = before, b = after): comparison.md, comparison.html
      and charts/ in DIR (default results/compare-<run-a>-vs-<run-b>)

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
  if (positionals.length < 1 || positionals.length > 2) {
    console.error(HELP);
    return 2;
  }
  try {
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
    const id = (dir: string): string => basename(dir.endsWith('.json') ? dirname(resolve(dir)) : resolve(dir));
    const outDir =
      values.out ??
      join(
        dirname(resolve(second.endsWith('.json') ? dirname(second) : second)),
        `compare-${id(first)}-vs-${id(second)}`,
      );
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
    options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
}
