/**
 * The target ratios of issue 17 between the load cases (the batch target is the batch case's, the start target
 * the start case's), marked PASS or MISS; the data-collection budget; the same ratios for the other models,
 * for information; and the local host's own CPU per request (the no-op route's less the library's floor).
 */
import type { CaseId, CaseResult } from './benchCases';
import type { ModelSize } from './benchModels';
import type { LoadResult } from './measureLoad';

export interface Ratio {
  name: string;
  value: number;
  /**
   * The same ratio from server CPU per request (requests per CPU-second): what the ratio would be if
   * each server had the machine to itself. On a shared machine requests/s mostly measures each
   * process's share of the CPUs; this does not.
   */
  perCore?: number;
  target?: number;
  verdict?: 'PASS' | 'MISS';
}

function resultOf(cases: CaseResult[], caseId: CaseId, model?: ModelSize): LoadResult | undefined {
  return cases.find((c) => c.caseId === caseId && c.model === model)?.result;
}

/** `num / den` in requests/s, and in requests per CPU-second where both CPU figures are known. */
function ratioOf(
  num: LoadResult | undefined,
  den: LoadResult | undefined,
): Pick<Ratio, 'value' | 'perCore'> | undefined {
  if (!num || !den || den.requestsPerSecond === 0) return undefined;
  const a = num.serverCpuUsPerRequest;
  const b = den.serverCpuUsPerRequest;
  return { value: num.requestsPerSecond / den.requestsPerSecond, ...(a && b ? { perCore: b / a } : {}) };
}

/** Issue 17's table (the batch target is printed with the batch case, the start target with the start case). */
const TARGETS: { name: string; numerator: [CaseId, ModelSize?]; denominator: [CaseId, ModelSize?]; target: number }[] =
  [
    { name: 'no-op route / fixed-JSON server', numerator: ['noop'], denominator: ['fixed'], target: 0.11 },
    { name: 'tiny: Sibyl / no-op route', numerator: ['sibyl', 'tiny'], denominator: ['noop'], target: 0.85 },
    { name: 'heavy: Sibyl / plain server', numerator: ['sibyl', 'heavy'], denominator: ['plain', 'heavy'], target: 3 },
    { name: 'tiny: scorer / plain server', numerator: ['scorer', 'tiny'], denominator: ['plain', 'tiny'], target: 1.5 },
    { name: 'tiny: scorer / fixed-JSON server', numerator: ['scorer', 'tiny'], denominator: ['fixed'], target: 0.5 },
    {
      name: 'heavy: scorer / plain server',
      numerator: ['scorer', 'heavy'],
      denominator: ['plain', 'heavy'],
      target: 8,
    },
  ];

/** The local host's own CPU per request: the no-op route's minus the library's floor (g); target ≤ 30 µs. */
export const HOST_SHARE_TARGET_US = 30;

/** A case's least server CPU per request over its rounds: other load on the machine only adds to it. */
function leastCpuUs(cases: CaseResult[], caseId: CaseId): number | undefined {
  const cpu = cases
    .find((c) => c.caseId === caseId && c.model === undefined)
    ?.rounds.map((r) => r.serverCpuUsPerRequest)
    .filter((us): us is number => us !== undefined);
  return cpu?.length ? Math.min(...cpu) : undefined;
}

export function hostShareUs(cases: CaseResult[]): number | undefined {
  const noop = leastCpuUs(cases, 'noop');
  const floor = leastCpuUs(cases, 'floor');
  return noop !== undefined && floor !== undefined ? noop - floor : undefined;
}

export function computeRatios(cases: CaseResult[], models: readonly ModelSize[]): Ratio[] {
  const ratios: Ratio[] = [];
  for (const t of TARGETS) {
    const r = ratioOf(resultOf(cases, ...t.numerator), resultOf(cases, ...t.denominator));
    if (r) ratios.push({ name: t.name, ...r, target: t.target, verdict: r.value >= t.target ? 'PASS' : 'MISS' });
  }
  // Collecting every request must keep latency within 5%: at saturation, throughput is its inverse (the
  // latency at a fixed moderate rate is compared in collectionBench.ts).
  for (const m of models) {
    const r = ratioOf(resultOf(cases, 'collect', m), resultOf(cases, 'sibyl', m));
    if (r)
      ratios.push({
        name: `${m}: collection on / off`,
        ...r,
        target: 0.95,
        verdict: r.value >= 0.95 ? 'PASS' : 'MISS',
      });
  }
  // The same ratios for the other models, for information (no target).
  for (const m of models) {
    const sibyl = resultOf(cases, 'sibyl', m);
    const plain = m !== 'heavy' ? ratioOf(sibyl, resultOf(cases, 'plain', m)) : undefined;
    const noop = m !== 'tiny' ? ratioOf(sibyl, resultOf(cases, 'noop')) : undefined;
    const scorer = m === 'medium' ? ratioOf(resultOf(cases, 'scorer', m), resultOf(cases, 'plain', m)) : undefined;
    if (plain) ratios.push({ name: `${m}: Sibyl / plain server`, ...plain });
    if (scorer) ratios.push({ name: `${m}: scorer / plain server`, ...scorer });
    if (noop) ratios.push({ name: `${m}: Sibyl / no-op route`, ...noop });
  }
  return ratios;
}
