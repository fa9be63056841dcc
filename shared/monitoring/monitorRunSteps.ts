/**
 * The work of a monitor run, one function per activity: plan (mark Running, list the baseline files
 * and the window's hour folders), sketch one part (stream it into per-column sketches, write them to a
 * blob), finish (merge the parts, compute each feature's histogram and metric, store the result on the
 * run and as the monitor's `lastResult`).
 *
 * @example
 *   const plan = await planMonitorRun(runId);
 *   … await sketchMonitorPart({ runId, part });
 *   … await finishMonitorRun({ runId, parts });
 */
import type { MonitorResult } from '../api/schemas';
import { listInputFiles } from '../batch/inputListing';
import { containerOf } from '../datastores/datastorePaths';
import { readDatastoreDoc } from '../datastores/datastoreStore';
import { getSnapshot } from '../endpoints/endpointStore';
import { appendRunLog } from '../workspace/runLogs';
import { moveRun, readRun } from '../workspace/runStore';
import { isTerminalStatus } from '../workspace/runDocuments';
import { windowHourFolders } from './collectionLayout';
import { ALL_COLLECTIONS } from './collectionSettings';
import { driftResults } from './driftResults';
import { FeatureSketches, MAX_FEATURES } from './featureSketches';
import { readPartSketches, writePartSketches } from './monitorBlobs';
import { monitorRunDetails } from './monitorRuns';
import type { FinishMonitorInput, MonitorPart, MonitorPlan, SketchPartInput } from './monitorRunProtocol';
import { recordMonitorResult } from './monitorStore';
import { forEachRow } from './rowSources';

/** Baseline files one run reads; point the baseline at fewer (or bigger) files past it. */
export const MAX_BASELINE_FILES = 256;

export async function planMonitorRun(runId: string): Promise<MonitorPlan> {
  const run = await readRun(runId);
  if (isTerminalStatus(run.status)) return { stop: true };
  const { monitor, windowStart, windowEnd } = monitorRunDetails(run);
  await moveRun(runId, 'Running', { startedAt: new Date().toISOString() });
  const baselineStore = await readDatastoreDoc(monitor.baseline.datastore);
  const all = await listInputFiles(baselineStore, monitor.baseline.path);
  const files = all.length === 1 ? all : all.filter((f) => f.path.endsWith(`.${monitor.baseline.format}`));
  if (files.length === 0)
    throw new Error(
      `The baseline ${monitor.baseline.datastore}:${monitor.baseline.path} has no ${monitor.baseline.format} file; check the path.`,
    );
  if (files.length > MAX_BASELINE_FILES)
    throw new Error(
      `The baseline has ${files.length} files, more than ${MAX_BASELINE_FILES}; point it at fewer, larger files.`,
    );
  const parts: MonitorPart[] = files.map((f, index) => ({
    index,
    source: 'baseline',
    datastore: monitor.baseline.datastore,
    path: f.path,
    format: monitor.baseline.format,
  }));
  const collecting = await readCollectionStore(monitor.endpoint, monitor.deployment);
  for (const collection of ALL_COLLECTIONS) {
    for (const folder of windowHourFolders(
      monitor.endpoint,
      monitor.deployment,
      collection,
      new Date(windowStart),
      new Date(windowEnd),
    )) {
      parts.push({ index: parts.length, source: collection, datastore: collecting, path: folder, format: 'jsonl' });
    }
  }
  await appendRunLog(runId, [
    {
      message:
        `Monitor '${monitor.name}' on ${monitor.endpoint}/${monitor.deployment}: window ${windowStart} to ${windowEnd}, ` +
        `baseline ${files.length} file(s), ${parts.length - files.length} hour folder(s) of collected data.`,
      key: 'plan',
    },
  ]);
  return { stop: false, parts };
}

/** The datastore the deployment collects into (the workspace store when it does not say). */
async function readCollectionStore(endpoint: string, deployment: string): Promise<string> {
  const snapshot = await getSnapshot(endpoint, { fresh: true }).catch(() => undefined);
  return snapshot?.deployments.find((d) => d.name === deployment)?.dataCollection?.datastore ?? 'workspaceblobstore';
}

export async function sketchMonitorPart(input: SketchPartInput): Promise<{ rows: number }> {
  const { runId, part } = input;
  const { windowStart, windowEnd } = monitorRunDetails(await readRun(runId));
  const store = await readDatastoreDoc(part.datastore);
  const sketches = new FeatureSketches();
  const files =
    part.source === 'baseline'
      ? await listInputFiles(store, part.path)
      : (await listInputFiles(store, part.path)).filter((f) => f.path.endsWith('.jsonl'));
  const inWindow = (time: string) => time >= windowStart && time < windowEnd;
  for (const file of files.slice(0, part.source === 'baseline' ? 1 : undefined)) {
    const blob = containerOf(store).getBlobClient(file.blob);
    const { skipped } = await forEachRow(blob, file.size, part.format, (row) => sketches.addRow(row), inWindow);
    sketches.skipped += skipped;
  }
  await writePartSketches(runId, part.index, sketches.toJSON());
  if (sketches.skipped > 0)
    await appendRunLog(runId, [
      {
        level: 'warning',
        message: `${part.path}: ${sketches.skipped} line(s) could not be read and were skipped.`,
        key: `skip-${part.index}`,
      },
    ]);
  return { rows: sketches.rows };
}

export async function finishMonitorRun(input: FinishMonitorInput): Promise<string> {
  const run = await readRun(input.runId);
  if (isTerminalStatus(run.status)) return run.status;
  const { monitor, windowStart, windowEnd } = monitorRunDetails(run);
  const now = () => new Date().toISOString();
  if (input.failure) {
    await appendRunLog(input.runId, [{ level: 'error', message: input.failure, key: 'failure' }]);
    return (
      await moveRun(input.runId, 'Failed', {
        endedAt: now(),
        error: { code: 'MonitorRunFailed', message: input.failure },
      })
    ).status;
  }
  const sources = { baseline: new FeatureSketches(), inputs: new FeatureSketches(), outputs: new FeatureSketches() };
  for (const part of input.parts) {
    const sketches = FeatureSketches.fromJSON(await readPartSketches(input.runId, part.index));
    const target =
      part.source === 'baseline' ? sources.baseline : part.source === 'model_inputs' ? sources.inputs : sources.outputs;
    target.merge(sketches);
  }
  const features = driftResults(monitor, sources);
  const drifted = features.filter((f) => f.drifted).map((f) => f.name);
  const completedAt = now();
  const result: MonitorResult = {
    runId: input.runId,
    status: 'Completed',
    windowStart,
    windowEnd,
    rows: { baseline: sources.baseline.rows, inputs: sources.inputs.rows, outputs: sources.outputs.rows },
    features,
    drifted,
    completedAt,
  };
  const lines = features.map((f) => ({
    level: f.drifted ? ('warning' as const) : ('info' as const),
    message:
      `${f.signal} ${f.name}: ${f.metric} = ${f.value === null ? 'n/a (no data on one side)' : f.value.toFixed(4)}` +
      ` (threshold ${f.threshold})${f.drifted ? ' DRIFTED' : ''}`,
    key: `feature-${f.signal}-${f.name}`.slice(0, 250),
  }));
  if ([sources.baseline, sources.inputs, sources.outputs].some((s) => s.features.size >= MAX_FEATURES)) {
    lines.push({
      level: 'warning',
      message: `Only the first ${MAX_FEATURES} columns of a source are sketched.`,
      key: 'max-features',
    });
  }
  lines.push({
    level: 'info',
    message:
      `Rows: baseline ${result.rows.baseline}, inputs ${result.rows.inputs}, outputs ${result.rows.outputs}; ` +
      `drifted: ${drifted.join(', ') || 'none'}.`,
    key: 'summary',
  });
  await appendRunLog(input.runId, lines);
  const metrics: Record<string, number> = { driftedFeatures: drifted.length };
  for (const f of features) if (f.value !== null) metrics[`${f.signal}.${f.name}`] = f.value;
  const saved = await moveRun(input.runId, 'Completed', { endedAt: completedAt, metrics, outputs: { result } });
  if (saved.status === 'Completed') await recordMonitorResult(monitor.name, result);
  return saved.status;
}
