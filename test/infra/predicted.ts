/** Reading `bicep snapshot` output: resources by type and name, role assignments as plain facts. */
import type { InfraSnapshot, PredictedResource } from '../../scripts/bicep/bicepCli.cjs';

/** Built-in role ids as Azure publishes them (checked against infra/modules/roles.bicep by the tests). */
export const ROLE_IDS = {
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
  durableTaskDataContributor: '0ad04412-c4d5-4796-b79c-f76d14c8d402',
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
} as const;

/** Every predicted resource of `type`. */
export function ofType(snapshot: InfraSnapshot, type: string): PredictedResource[] {
  return snapshot.predictedResources.filter((r) => r.type.toLowerCase() === type.toLowerCase());
}

/** The one predicted resource of `type` (whose name ends with `nameSuffix`, if given). */
export function one(snapshot: InfraSnapshot, type: string, nameSuffix = ''): PredictedResource {
  const found = ofType(snapshot, type).filter((r) => r.name.endsWith(nameSuffix));
  if (found.length !== 1) {
    throw new Error(
      `Expected one ${type}${nameSuffix ? ` named *${nameSuffix}` : ''}, found ${found.length}: ${found.map((r) => r.name).join(', ')}`,
    );
  }
  return found[0]!;
}

/** The value at a dotted path (`properties.sku.name`; array items by index), or undefined. */
export function field(value: unknown, dottedPath: string): unknown {
  let current = value;
  for (const key of dottedPath.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** The array at a dotted path, as records (empty when absent). */
export function list(value: unknown, dottedPath: string): Record<string, unknown>[] {
  const found = field(value, dottedPath);
  return Array.isArray(found) ? (found as Record<string, unknown>[]) : [];
}

/** A role assignment reduced to who gets what where. */
export interface RoleFact {
  /** Last segments of the scope's resource id, e.g. `storageAccounts/st…` or `containers/models`. */
  scope: string;
  /** A name from ROLE_IDS, or the raw id when it is not one of them. */
  role: string;
  /** The user-assigned identity's name, or the literal principal id (a person). */
  principal: string;
  principalType: string;
}

/** Role assignments of the snapshot as facts, sorted for comparison. */
export function roleFacts(snapshot: InfraSnapshot): RoleFact[] {
  const roleNames = new Map<string, string>(Object.entries(ROLE_IDS).map(([name, id]) => [id, name]));
  // Custom roles by their name up to any parenthesis, in kebab case (`Sibyl scorer app deployer (…)`).
  for (const role of ofType(snapshot, 'Microsoft.Authorization/roleDefinitions')) {
    const roleName = String(field(role, 'properties.roleName')).split(' (')[0]!;
    roleNames.set(role.name, roleName.toLowerCase().replace(/\s+/g, '-'));
  }
  return ofType(snapshot, 'Microsoft.Authorization/roleAssignments')
    .map((r) => {
      // An id with runtime parts stays an extensionResourceId(scope, …) expression; else it is evaluated.
      const scopeId =
        /^\[extensionResourceId\('([^']+)'/.exec(r.id)?.[1] ??
        r.id.split('/providers/Microsoft.Authorization/roleAssignments/')[0]!;
      const roleId = String(field(r, 'properties.roleDefinitionId')).split('/').pop() ?? '';
      const principalId = String(field(r, 'properties.principalId'));
      const identity = /userAssignedIdentities\/([^'/]+)'/.exec(principalId)?.[1];
      return {
        scope: scopeId.split('/').slice(-2).join('/'),
        role: roleNames.get(roleId) ?? roleId,
        principal: identity ?? principalId,
        principalType: String(field(r, 'properties.principalType')),
      };
    })
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
