/** Batch sessions run one intra-op thread unless their environment sets a number (mini-batches are the parallelism). */
import { batchSessionOptions } from '../../../shared/batch/scoringTarget';
import { CURATED_ENVIRONMENTS } from '../../../shared/registry/environments';

describe('batchSessionOptions', () => {
  it('gives one intra-op thread when the environment leaves it to ONNX Runtime', () => {
    const environment = CURATED_ENVIRONMENTS.find((e) => e.name === 'ort-cpu')!;
    expect(environment.intraOpNumThreads).toBeUndefined();
    expect(batchSessionOptions(environment)).toMatchObject({
      intraOpNumThreads: 1,
      executionProviders: environment.executionProviders,
      graphOptimizationLevel: environment.graphOptimizationLevel,
    });
  });

  it("keeps the environment's own number, 0 (ONNX Runtime's default) included", () => {
    const environment = CURATED_ENVIRONMENTS.find((e) => e.name === 'ort-cpu')!;
    expect(batchSessionOptions({ ...environment, intraOpNumThreads: 4 }).intraOpNumThreads).toBe(4);
    expect(batchSessionOptions({ ...environment, intraOpNumThreads: 0 }).intraOpNumThreads).toBe(0);
  });
});
