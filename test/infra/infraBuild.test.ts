/**
 * infra/ compiles and lints offline with zero diagnostics (every linter rule at error level), and
 * the compiled ARM template keeps the rules the Bicep is written to: typed, described parameters;
 * no registry modules; every role id from the one map in roles.bicep.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compileInfra, INFRA_DIR, type CompiledInfra } from '../../scripts/bicep/bicepCli.cjs';
import { field, ROLE_IDS } from './predicted';

// A cold machine restores the Bicep CLI from NuGet first (measured: 5-15 s) and compiles (10-40 s).
const SETUP_TIMEOUT_MS = 10 * 60 * 1000;

let compiled: CompiledInfra;

beforeAll(async () => {
  compiled = await compileInfra();
}, SETUP_TIMEOUT_MS);

function bicepFiles(dir = INFRA_DIR): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return bicepFiles(full);
    return /\.(bicep|bicepparam)$/.test(entry.name) ? [full] : [];
  });
}

/** Every nested template (modules compile to inline deployments), with the main one first. */
function templates(template: unknown, name = 'main'): { name: string; template: unknown }[] {
  const resources = field(template, 'resources');
  const nested = Object.entries(resources && typeof resources === 'object' ? resources : {}).flatMap(
    ([key, resource]) => {
      if (field(resource, 'type') !== 'Microsoft.Resources/deployments') return [];
      const inner = field(resource, 'properties.template');
      return inner ? templates(inner, key) : [];
    },
  );
  return [{ name, template }, ...nested];
}

describe('infra/ build', () => {
  it('builds main.bicep and main.bicepparam with zero diagnostics', () => {
    expect(field(compiled.template, '$schema')).toContain('deploymentTemplate.json');
    expect(field(compiled.parameters, '$schema')).toContain('deploymentParameters.json');
    expect(compiled.bicep.version).toMatch(/^\d+\.\d+\.\d+/);
    // main plus one inline template per module (identity twice); no scorer app: the runtime deploys those.
    expect(
      templates(compiled.template)
        .map((t) => t.name)
        .sort(),
    ).toEqual([
      'appIdentity',
      'computeRole',
      'containerEnvironment',
      'cosmos',
      'durableTaskScheduler',
      'eventGrid',
      'functionApp',
      'hostKey',
      'keyVault',
      'main',
      'monitoring',
      'registry',
      'scorerIdentity',
      'storage',
    ]);
  });

  it('gives every parameter of every template a type and a description', () => {
    const missing: string[] = [];
    for (const { name, template } of templates(compiled.template)) {
      const parameters = (field(template, 'parameters') ?? {}) as Record<string, unknown>;
      for (const [param, definition] of Object.entries(parameters)) {
        if (!field(definition, 'type') && !field(definition, '$ref')) missing.push(`${name}.${param}: type`);
        if (!field(definition, 'metadata.description')) missing.push(`${name}.${param}: description`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('uses no registry modules: every module is inline, so the build needs no network', () => {
    for (const file of bicepFiles()) {
      expect({ file, registryModule: /['"]br[:/]/.test(fs.readFileSync(file, 'utf8')) }).toEqual({
        file,
        registryModule: false,
      });
    }
    for (const { name, template } of templates(compiled.template)) {
      const resources = Object.values((field(template, 'resources') ?? {}) as Record<string, unknown>);
      expect({ name, linked: resources.filter((r) => field(r, 'properties.templateLink')).length }).toEqual({
        name,
        linked: 0,
      });
    }
  });

  it('keeps every role definition id in the one map in roles.bicep', () => {
    const guid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
    const outside = bicepFiles()
      .filter((file) => path.basename(file) !== 'roles.bicep')
      .flatMap((file) =>
        (fs.readFileSync(file, 'utf8').match(guid) ?? []).map((id) => `${path.basename(file)}: ${id}`),
      );
    expect(outside).toEqual([]);

    const roles = fs.readFileSync(path.join(INFRA_DIR, 'modules', 'roles.bicep'), 'utf8');
    for (const [name, id] of Object.entries(ROLE_IDS)) expect(roles).toContain(`${name}: '${id}'`);
    expect(roles).toContain("cosmosDbBuiltInDataContributor: '00000000-0000-0000-0000-000000000002'");

    // Every compiled role assignment takes its id from that map.
    let assignments = 0;
    for (const { name, template } of templates(compiled.template)) {
      for (const resource of Object.values((field(template, 'resources') ?? {}) as Record<string, unknown>)) {
        if (field(resource, 'type') !== 'Microsoft.Authorization/roleAssignments') continue;
        assignments++;
        // The one custom role (computeRole.bicep) is defined next to its assignment, by reference.
        if (name === 'computeRole') {
          expect(field(resource, 'properties.roleDefinitionId')).toBe(
            "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', " +
              "guid(resourceGroup().id, parameters('baseName'), 'sibyl-scorer-app-deployer'))]",
          );
          continue;
        }
        expect({ name, roleDefinitionId: field(resource, 'properties.roleDefinitionId') }).toEqual({
          name,
          roleDefinitionId: expect.stringContaining("variables('roleDefinitionIds')"),
        });
      }
    }
    expect(assignments).toBeGreaterThanOrEqual(5);
  });

  it('defaults to the T4 serverless GPU profile, with A100 allowed, and to Node 22 with 20 allowed', () => {
    const gpus = field(compiled.template, 'parameters.gpus');
    expect(field(gpus, 'defaultValue')).toEqual(['T4']);
    expect(field(gpus, 'allowedValues')).toEqual(['T4', 'A100']);
    expect(field(compiled.parameters, 'parameters.gpus.value')).toEqual(['T4']);
    expect(field(compiled.template, 'parameters.nodeVersion.defaultValue')).toBe('22');
    expect(field(compiled.template, 'parameters.nodeVersion.allowedValues')).toEqual(['20', '22']);
    expect(field(compiled.parameters, 'parameters.nodeVersion.value')).toBe('22');
    expect(field(compiled.parameters, 'parameters.durableBackend.value')).toBe('scheduler');
  });

  it('keeps secrets out of the parameter file: they come from the environment, empty when unset', () => {
    for (const secret of ['tokenSigningKey', 'keyEncryptionKey', 'functionKey', 'scorerKey']) {
      expect(field(compiled.template, `parameters.${secret}.type`)).toBe('securestring');
      expect(field(compiled.parameters, `parameters.${secret}.value`)).toBe('');
    }
  });

  it('outputs the URLs a user needs', () => {
    const outputs = Object.keys(field(compiled.template, 'outputs') as Record<string, unknown>);
    expect(outputs).toEqual(
      expect.arrayContaining([
        'apiUrl',
        'functionAppName',
        'containerEnvironmentId',
        'durableTaskSchedulerEndpoint',
        'registryLoginServer',
        'registryName',
        'storageAccountName',
        'keyVaultName',
        'eventGridSystemTopicName',
      ]),
    );
  });
});
