/** Activity `sketchMonitorPart`: streams one baseline file or hour folder into sketches kept in a blob. */
import * as df from 'durable-functions';
import type { SketchPartInput } from '../shared/monitoring/monitorRunProtocol';
import { sketchMonitorPart as sketch } from '../shared/monitoring/monitorRunSteps';

export const sketchMonitorPart = df.app.activity('sketchMonitorPart', {
  handler: (input: SketchPartInput) => sketch(input),
});
