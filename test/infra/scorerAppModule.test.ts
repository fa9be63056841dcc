/**
 * infra/scorerApp.bicep, the per-deployment scorer app the Function App deploys through ARM:
 * - the committed ARM template (shared/compute/azure/scorerApp.template.json) is what the module
 *   compiles to, so the runtime deploys exactly the Bicep that is linted here;
 * - the parameters the ARM transport maps a deployment to are accepted by the module's types, by
 *   building a .bicepparam from them with the real Bicep CLI, and wrong ones are refused;
 * - every health probe in every compiled template is within Container Apps' limits.
 */
import fs from 'node:fs';
import {
  buildScorerAppParams,
  compileInfra,
  compileScorerApp,
  SCORER_APP_TEMPLATE,
  type CompiledInfra,
  type Json,
} from '../../scripts/bicep/bicepCli.cjs';
import { scorerAppParameters } from '../../shared/compute/azure/scorerAppParameters';
import { withSidecar } from '../../shared/compute/azure/scorerAppSidecar';
import { COMPUTE_ENV, containerSpec, readArmComputeConfig } from '../unit/compute/azureFixtures';
import { field } from './predicted';

const SETUP_TIMEOUT_MS = 10 * 60 * 1000;
const BICEP_TIMEOUT_MS = 2 * 60 * 1000;

let scorerApp: Json;
let main: CompiledInfra;

beforeAll(async () => {
  [scorerApp, main] = await Promise.all([compileScorerApp().then((r) => r.template), compileInfra()]);
}, SETUP_TIMEOUT_MS);

const config = readArmComputeConfig({ ...COMPUTE_ENV, SIBYL_COMPUTE_GPU_PROFILES: 'T4=gpu-t4,A100=gpu-a100' });

/** Without the generator's version and hash, which say which CLI compiled it rather than what. */
function withoutGenerator(template: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(template)) as { metadata?: { _generator?: unknown } };
  delete copy.metadata?._generator;
  return copy;
}

/** Container Apps' probe limits (learn.microsoft.com, "Health probes in Azure Container Apps"). */
const PROBE_LIMITS: Record<string, [number, number]> = {
  initialDelaySeconds: [0, 60],
  periodSeconds: [1, 240],
  timeoutSeconds: [1, 240],
  successThreshold: [1, 10],
  failureThreshold: [1, 10],
};

const PROBE_TYPES = ['Startup', 'Liveness', 'Readiness'];

/**
 * Every probe-shaped object anywhere in a template (nested deployments and variables included: a
 * container's `probes` is often `[variables('healthProbes')]`), found by its type and its check.
 */
function probesIn(value: unknown, where: string, found: { where: string; probe: Record<string, unknown> }[] = []) {
  if (Array.isArray(value)) value.forEach((v, i) => probesIn(v, `${where}[${i}]`, found));
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (PROBE_TYPES.includes(String(record.type)) && (record.httpGet || record.tcpSocket))
      found.push({ where, probe: record });
    for (const [key, v] of Object.entries(record)) probesIn(v, `${where}.${key}`, found);
  }
  return found;
}

function outOfRange(probes: { where: string; probe: Record<string, unknown> }[]): string[] {
  return probes.flatMap(({ where, probe }) =>
    Object.entries(PROBE_LIMITS).flatMap(([name, [min, max]]) => {
      const value = probe[name];
      if (value === undefined) return [];
      return typeof value === 'number' && value >= min && value <= max
        ? []
        : [`${where}.${name} = ${JSON.stringify(value)} (allowed ${min}-${max})`];
    }),
  );
}

describe('infra/scorerApp.bicep', () => {
  it('ships as the committed ARM template the runtime deploys (run scripts/bicep/compileScorerApp.mjs after editing it)', () => {
    const committed = JSON.parse(fs.readFileSync(SCORER_APP_TEMPLATE, 'utf8'));
    expect(withoutGenerator(committed)).toEqual(withoutGenerator(scorerApp));
  });

  it('deploys one container app with the HTTP scale rule, the cooldown and the identity from parameters only', () => {
    const resources = Object.values(field(scorerApp, 'resources') as Record<string, unknown>);
    expect(resources.map((r) => field(r, 'type'))).toEqual(['Microsoft.App/containerApps']);
    const app = resources[0];
    expect(field(app, 'properties.template.scale.cooldownPeriod')).toBe("[parameters('scale').cooldownPeriod]");
    expect(field(app, 'properties.template.scale.rules.0.http.metadata.concurrentRequests')).toBe(
      "[string(parameters('scale').concurrentRequests)]",
    );
    expect(field(app, 'properties.configuration.activeRevisionsMode')).toBe('Single');
    expect(Object.keys(field(scorerApp, 'parameters') as object).sort()).toEqual([
      'cpu',
      'environmentId',
      'healthPaths',
      'identity',
      'image',
      'location',
      'memory',
      'name',
      'registryServer',
      'scale',
      'scorerKeySecretUrl',
      'settings',
      'sidecar',
      'tags',
      'targetPort',
      'workloadProfileName',
    ]);
  });

  it(
    'accepts the parameters a container and a gpu deployment map to (bicep build-params)',
    async () => {
      for (const spec of [
        containerSpec(),
        containerSpec({ cpu: 0.25, memoryGi: undefined, minReplicas: 0, maxReplicas: 1000 }),
        containerSpec({ kind: 'gpu', gpu: 'A100', cpu: undefined, memoryGi: undefined, scaleInDelaySeconds: 0 }),
      ]) {
        const params = scorerAppParameters(spec, config);
        const built = await buildScorerAppParams({ ...params });
        const values = Object.fromEntries(
          Object.entries(field(built, 'parameters') as Record<string, { value: unknown }>).map(([k, v]) => [
            k,
            v.value,
          ]),
        );
        expect(values).toEqual(params);
      }
      // A custom server's own image (environments issue) beside the scorer, which stays the ingress target.
      const runtime = {
        runtime: 'custom' as const,
        custom: {
          image: 'docker.io/acme/oip:2',
          port: 8080,
          routes: { liveness: '/live', readiness: '/ready', scoring: '/score' },
          protocol: 'oip' as const,
        },
        environmentHash: 'env-hash',
        variables: { GREETING: 'hello' },
      };
      const beside = withSidecar(scorerAppParameters(containerSpec(), config), 'docker.io/acme/oip:2', runtime);
      const built = await buildScorerAppParams({ ...beside });
      expect(field(built, 'parameters.sidecar.value')).toEqual(beside.sidecar);
      expect(field(built, 'parameters.targetPort.value')).toBe(8081);
    },
    BICEP_TIMEOUT_MS,
  );

  it('adds the user container and the EmptyDir volume both mount only when a sidecar is given', () => {
    const containers = String(field(scorerApp, 'variables.containers'));
    expect(containers).toMatch(
      /^\[if\(equals\(parameters\('sidecar'\), null\(\)\), createArray\(variables\('scorerContainer'\)\)/,
    );
    expect(containers).toContain("'name', 'user', 'image', parameters('sidecar').image");
    expect(containers).toContain("'mountPath', parameters('sidecar').sharedDir");
    const app = Object.values(field(scorerApp, 'resources') as Record<string, unknown>)[0];
    expect(field(app, 'properties.template.volumes')).toContain("'storageType', 'EmptyDir'");
    expect(JSON.stringify(field(scorerApp, 'variables.scorerContainer.volumeMounts'))).toContain(
      "parameters('sidecar').sharedDir",
    );
    // The user's container gets its own env only: no key, no client id, no scorer setting.
    expect(containers).not.toMatch(/SIBYL_SCORER_KEY|AZURE_CLIENT_ID|fixedEnv|parameters\('settings'\)/);
  });

  it("probes the scorer's health routes unless healthPaths names a custom server's own", () => {
    const paths = (field(scorerApp, 'variables.healthProbes') as { httpGet: { path: string } }[]).map(
      (p) => p.httpGet.path,
    );
    expect(paths).toEqual([
      "[parameters('healthPaths').liveness]",
      "[parameters('healthPaths').liveness]",
      "[parameters('healthPaths').readiness]",
    ]);
    expect(field(scorerApp, 'parameters.healthPaths.defaultValue')).toEqual({
      liveness: '/v2/health/live',
      readiness: '/v2/health/ready',
    });
  });

  it(
    "refuses parameters that do not match the module's types, so the check has teeth",
    async () => {
      const params = scorerAppParameters(containerSpec(), config);
      const wrong: Record<string, unknown>[] = [
        { ...params, scale: { minReplicas: 1, maxReplicas: 3, concurrentRequests: 2 } },
        { ...params, scale: { ...params.scale, maxReplicas: 1001 } },
        { ...params, cpu: 2 },
        { ...params, name: 'x'.repeat(33) },
        { ...params, unknownParameter: true },
        { ...params, sidecar: { image: 'x', port: 9000 } },
      ];
      for (const bad of wrong) await expect(buildScorerAppParams(bad)).rejects.toThrow(/build-params rejected/);
    },
    BICEP_TIMEOUT_MS,
  );

  it("keeps every health probe of every compiled template within Container Apps' limits", () => {
    const probes = [...probesIn(scorerApp, 'scorerApp'), ...probesIn(main.template, 'main')];
    expect(probes.map((p) => p.probe.type)).toEqual(expect.arrayContaining(['Startup', 'Liveness', 'Readiness']));
    expect(outOfRange(probes)).toEqual([]);
    // The check itself catches the startup probe that used to ship (failureThreshold 60).
    expect(outOfRange([{ where: 'old', probe: { type: 'Startup', failureThreshold: 60, periodSeconds: 5 } }])).toEqual([
      'old.failureThreshold = 60 (allowed 1-10)',
    ]);
  });
});
