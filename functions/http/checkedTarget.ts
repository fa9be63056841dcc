/** The endpoint (and deployment) a scoring route names, checked against the route table's schemas. */
import { OipModelParams, OipModelVersionParams } from '../../shared/api/schemas';
import { parseParams } from '../../shared/api/validate';

export interface RouteTarget {
  endpoint: string;
  deployment: string | null;
}

/**
 * Names that passed their schema, by their text (`{model}` alone; `{model}` and `{version}` pairs): a
 * check depends on nothing else, and it runs on every scoring request. Bounded, as callers choose names.
 */
const checkedModels = new Set<string>();
const checkedPairs = new Map<string, Set<string>>();
const MAX_CHECKED = 1024;

/** Makes room for one more name. */
function bound(names: Set<string> | Map<string, unknown>): void {
  if (names.size >= MAX_CHECKED) names.clear();
}

/** `{model}` as an endpoint name (400 when it is not one). */
export function checkedEndpoint(model: string | undefined): RouteTarget {
  if (model === undefined || !checkedModels.has(model)) {
    const { model: endpoint } = parseParams(OipModelParams, { model });
    bound(checkedModels);
    checkedModels.add(endpoint);
  }
  return { endpoint: model!, deployment: null };
}

/** `{model}` and `{version}` as an endpoint and one of its deployment's names (400 when either is not one). */
export function checkedDeployment(model: string | undefined, version: string | undefined): RouteTarget {
  if (model === undefined || version === undefined || !checkedPairs.get(model)?.has(version)) {
    parseParams(OipModelVersionParams, { model, version });
    let versions = checkedPairs.get(model!);
    if (!versions) {
      bound(checkedPairs);
      checkedPairs.set(model!, (versions = new Set()));
    }
    bound(versions);
    versions.add(version!);
  }
  return { endpoint: model!, deployment: version! };
}
