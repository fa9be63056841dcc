/**
 * The cases that run on the load cases' Sibyl host once its rounds are done, each printed as it ends:
 * the OIP binary tensor extension against JSON (binaryBench.ts), and goodput under overload
 * (overloadBench.ts).
 */
import { say, type BenchContext } from './benchContext';
import { benchModel, type ModelSize } from './benchModels';
import { renderBinaryBench, runBinaryBench, type BinaryBenchResult } from './binaryBench';
import type { EmulatorHost } from './emulatorHost';
import { renderOverloadBench, runOverloadBench, type OverloadBenchResult } from './overloadBench';

/** The overload case's model: big enough that its capacity is the model's, not HTTP's. */
const OVERLOAD_MODEL: ModelSize = 'medium';

export async function runBinaryCase(host: EmulatorHost): Promise<BinaryBenchResult> {
  say('OIP binary tensor extension: a 1×3×224×224 FP32 input as JSON and as binary…');
  const result = await runBinaryBench(host, 40);
  say(renderBinaryBench(result).join('\n'));
  return result;
}

export async function runOverloadCase(ctx: BenchContext, host: EmulatorHost): Promise<OverloadBenchResult> {
  say('Goodput under overload: 256 connections against a deployment whose capacity is measured at 16…');
  const { warmupSeconds, durationSeconds } = ctx.options;
  const model = ctx.models.get(OVERLOAD_MODEL) ?? benchModel(OVERLOAD_MODEL, ctx.workDir);
  const result = await runOverloadBench(host, model, { warmupSeconds, durationSeconds }, ctx.batching);
  say(renderOverloadBench(result).join('\n'));
  return result;
}
