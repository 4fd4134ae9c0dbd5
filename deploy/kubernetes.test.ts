// deploy/kubernetes/ (issue 16): every manifest valid against the Kubernetes schemas of the version we
// target, offline (kubernetes-validate ships them), strictly (an unknown field is an error), and the
// manifests consistent with each other and with the API: selectors, probes, ports, the migration Job,
// secrets kept out of them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../harness/provision/index.ts';
import { SERVE_OPTIONS } from '../harness/serving/index.ts';
import { checkTool } from './check-tools.ts';

/** The version the manifests are written for, and the newest the validator knows (removals show there). */
const KUBERNETES_VERSIONS = ['1.35.0', '1.37.0'];

const DIR = join(REPO_ROOT, 'deploy', 'kubernetes');
const manifestFiles = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .sort();

// Loose shapes: the schema check above is what holds them to the real types.
interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: { name: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
}
interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: Container[] };
}
interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec?: {
    replicas?: number;
    selector?: Record<string, string> | { matchLabels: Record<string, string> };
    template?: PodTemplate;
    scaleTargetRef?: { kind: string; name: string };
    ports?: { targetPort: string | number }[];
  };
}

const resources: (Resource & { file: string })[] = manifestFiles.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((doc) => ({ ...(doc.toJS() as Resource), file })),
);
function one(kind: string, component?: string): Resource {
  const found = resources.filter(
    (r) =>
      r.kind === kind && (component === undefined || r.metadata.labels?.['app.kubernetes.io/component'] === component),
  );
  assert.equal(found.length, 1, `expected one ${kind}${component ? ` (${component})` : ''}`);
  return found[0]!;
}

describe('Kubernetes manifests', () => {
  const { path: validator, skip } = checkTool('kubernetes-validate');
  const validate = (files: string[]) => {
    const args = ['--strict', ...KUBERNETES_VERSIONS.flatMap((v) => ['-k', v]), ...files];
    const result = spawnSync(validator!, args, { encoding: 'utf8', timeout: 120_000 });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  };

  test(`each validates strictly against Kubernetes ${KUBERNETES_VERSIONS.join(' and ')}`, { skip }, () => {
    const { status, output } = validate(manifestFiles.map((f) => join(DIR, f)));
    assert.equal(status, 0, output);
    // The validator only warns when it has no schema (an unknown apiVersion or kind): that is a failure here.
    assert.doesNotMatch(output, /WARN|ERROR/, output);
    const passed = output.split('\n').filter((l) => /^INFO .* passed for resource /.test(l));
    assert.equal(passed.length, resources.length * KUBERNETES_VERSIONS.length, output);
  });

  test('a misspelt field and an API version Kubernetes does not serve are caught', { skip }, () => {
    const misspelt = validate([join(REPO_ROOT, 'deploy', 'fixtures', 'kubernetes-broken-deployment.yaml')]);
    assert.equal(misspelt.status, 1);
    assert.match(
      misspelt.output,
      /readinessProbe\.httpGet: Additional properties are not allowed \('paht' was unexpected\)/,
    );
    const unknown = validate([join(REPO_ROOT, 'deploy', 'fixtures', 'kubernetes-unknown-api.yaml')]);
    assert.match(
      unknown.output,
      /WARN .*Couldn't find schema for kind HorizontalPodAutoscaler with api version autoscaling\/v3/,
    );
  });

  test('the kustomization lists every manifest but the example Secret', () => {
    const kustomization = parseAllDocuments(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8'))[0]!.toJS() as {
      resources: string[];
    };
    assert.deepEqual(
      [...kustomization.resources].sort(),
      manifestFiles.filter((f) => f !== 'secret.example.yaml'),
    );
  });

  test('the Service, the autoscaler and the disruption budget all select the API pods', () => {
    const deployment = one('Deployment');
    const template = deployment.spec!.template!;
    const matchLabels = (deployment.spec!.selector as { matchLabels: Record<string, string> }).matchLabels;
    assert.deepEqual({ ...template.metadata.labels, ...matchLabels }, template.metadata.labels);
    assert.equal(deployment.spec!.replicas, undefined, 'the HPA owns the replica count');

    const service = one('Service');
    assert.deepEqual(service.spec!.selector, matchLabels);
    const portNames = template.spec.containers[0]!.ports!.map((p) => p.name);
    for (const port of service.spec!.ports!) assert.ok(portNames.includes(String(port.targetPort)));

    const hpa = one('HorizontalPodAutoscaler');
    assert.deepEqual(hpa.spec!.scaleTargetRef, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.metadata.name,
    });
    const pdb = one('PodDisruptionBudget');
    assert.deepEqual((pdb.spec!.selector as { matchLabels: Record<string, string> }).matchLabels, matchLabels);
  });

  test('every variable of the ConfigMap and the Deployment is one serve reads (a typo would be ignored)', () => {
    const known = new Set(SERVE_OPTIONS.map((o) => o.env));
    const api = one('Deployment').spec!.template!.spec.containers[0]!;
    const names = [...Object.keys(one('ConfigMap').data!), ...(api.env ?? []).map((e) => e.name)];
    const unknown = names.filter((name) => name.startsWith('STOREBENCH_') && !known.has(name));
    assert.deepEqual(unknown, []);
  });

  test('probes, metrics annotations and the port follow the API and its configuration', () => {
    const template = one('Deployment').spec!.template!;
    const api = template.spec.containers[0]!;
    const config = one('ConfigMap').data!;
    const port = api.ports!.find((p) => p.name === 'http')!.containerPort;
    assert.equal(Number(config.STOREBENCH_PORT), port);
    assert.deepEqual(api.readinessProbe!.httpGet, { path: '/readyz', port: 'http' });
    assert.deepEqual(api.livenessProbe!.httpGet, { path: '/healthz', port: 'http' });
    assert.deepEqual(template.metadata.annotations, {
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(port),
      'prometheus.io/path': '/metrics',
    });
  });

  test('the Job only migrates, and the API pods do not', () => {
    const job = one('Job', 'migrate');
    const migrate = job.spec!.template!.spec.containers[0]!;
    assert.deepEqual(migrate.command, ['storebench', 'migrate', '--backend', '$(STOREBENCH_BACKEND)']);
    const api = one('Deployment').spec!.template!.spec.containers[0]!;
    assert.equal(migrate.image, api.image);
    assert.deepEqual(
      api.env?.find((e) => e.name === 'STOREBENCH_MIGRATE'),
      { name: 'STOREBENCH_MIGRATE', value: 'false' },
    );
  });

  test('every container takes its configuration from the ConfigMap and its URLs from the Secret, with sized resources', () => {
    const secret = one('Secret');
    const configMap = one('ConfigMap');
    for (const r of resources.filter((r) => r.spec?.template)) {
      for (const container of r.spec!.template!.spec.containers) {
        const where = `${r.kind}/${r.metadata.name} ${container.name}`;
        assert.deepEqual(container.envFrom, [
          { configMapRef: { name: configMap.metadata.name } },
          { secretRef: { name: secret.metadata.name } },
        ]);
        for (const key of ['cpu', 'memory']) {
          assert.ok(container.resources?.requests?.[key], `${where}: no ${key} request`);
          assert.ok(container.resources?.limits?.[key], `${where}: no ${key} limit`);
        }
      }
    }
    // A password in a URL belongs in the Secret only (and the committed one is an example).
    for (const r of resources.filter((r) => r.kind !== 'Secret')) {
      assert.doesNotMatch(JSON.stringify(r), /:\/\/[^/\s:@"]+:[^@\s"]+@/, `${r.file} holds a URL with a password`);
    }
  });
});
