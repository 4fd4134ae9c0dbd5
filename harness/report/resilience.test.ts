import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { FaultRunRecord, LayoutRecord } from '../results/index.ts';
import { renderReport } from './index.ts';
import { syntheticRun } from './synthetic-run.fixture.ts';

/** A kill of the primary: 3 s of 503s, then the promoted standby serves. */
function faultRun(): FaultRunRecord {
  const timeline = Array.from({ length: 12 }, (_, second): FaultRunRecord['timeline'][number] => {
    const down = second >= 4 && second < 7;
    return {
      second,
      requests: 100,
      ok: down ? 0 : 100,
      errors: down ? { '503': 100 } : ({} as Record<string, number>),
      p50Ms: down ? 2 : 4,
      p99Ms: down ? 9 : 20,
      maxMs: 30,
    };
  });
  return {
    backend: 'postgres standby-sync rtt 0.5ms',
    workload: 'usages',
    fault: 'kill:primary@4',
    memberRole: 'primary',
    rateRps: 100,
    fraction: 0.5,
    maxRps: 200,
    warmupS: 2,
    durationS: 12,
    timeline,
    events: [
      { atS: 4.01, what: 'primary (primary) killed (kill -9)' },
      { atS: 7.02, what: 'the standby was promoted to primary 3 s after the primary was lost' },
    ],
    timeToFirstErrorS: 0.01,
    timeToRecoveryS: 3,
    requests: 1200,
    errors: { '503': 300 },
    readBack: {
      acknowledged: 900,
      found: 899,
      lost: 1,
      lostSample: ['usage:17'],
      unreadable: 0,
      deletedAfter: 0,
      seconds: 0.4,
    },
  };
}

const layout = (label: string, cluster: string, rtt: string): LayoutRecord => ({
  label,
  backend: label.split(' ')[0]!,
  cluster,
  clusterDescription: cluster === 'single' ? 'one server' : 'a PostgreSQL primary with a streaming hot standby',
  members: [{ name: 'primary', role: 'primary', address: '10.213.7.10', startupMs: 800 }],
  rtt,
  measuredRtt:
    rtt === 'loopback' ? [] : [{ from: 'loadgen', to: 'api', count: 100, minMs: 0.61, p50Ms: 0.72, p90Ms: 0.9 }],
  startupMs: 3200,
});

describe('report: layouts and resilience', () => {
  let root = '';
  after(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('a run with clusters, a delayed network and a failure run gets a layouts table, a resilience table and a timeline chart per failure', async () => {
    root = await mkdtemp(join(tmpdir(), 'storebench-resilience-'));
    const runDir = join(root, '20261123-050000-faults');
    await mkdir(runDir, { recursive: true });
    const run = syntheticRun({ trials: 1 });
    run.layouts = [
      layout('postgres standby-sync rtt 0.5ms', 'standby-sync', 'rtt 0.5ms'),
      layout('mongo', 'single', 'loopback'),
    ];
    run.network = {
      subnet: '10.213.7.0/24',
      delayMechanism: 'an NFQUEUE relay',
      relayCpuSeconds: 3.2,
      relayPackets: 1000,
    };
    run.faultRuns = [faultRun()];
    await writeFile(join(runDir, 'run.json'), JSON.stringify(run));
    const report = await renderReport(runDir);
    const md = await readFile(report.markdownPath, 'utf8');
    assert.match(md, /## Layouts: clusters and the network between hosts/);
    assert.match(md, /MongoDB-wire stand-in \(mongo-java-server\) has no replica sets/);
    assert.match(md, /loadgen → api 0\.72 ms \(min 0\.61\)/);
    assert.match(md, /## Resilience: a failure during a steady step/);
    assert.match(
      md,
      /\| \*\*postgres standby-sync rtt 0\.5ms\*\* \| `kill:primary@4` \(primary\) \| 100 RPS \(0\.5 × 200\) \| 0\.0 s \| 3\.0 s \| 300 503 of 1,200 \| 900 \| \*\*1\*\* \|/,
    );
    assert.match(md, /usage:17/);
    const chart = report.charts.find((c) => c.metric === 'resilience');
    assert.ok(chart && existsSync(chart.absolutePath), 'the timeline chart is written');
    assert.match(md, new RegExp(`!\\[[^\\]]*\\]\\(${chart.relativePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`));
  });
});
