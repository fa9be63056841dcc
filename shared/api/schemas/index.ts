/** Every API schema and its derived type, one import away: `import { DeploymentSpec } from '../api/schemas'`. */
export * from './common';
export * from './errors';
export * from './models';
export * from './environments';
export * from './deployments';
export * from './endpoints';
export * from './endpointCredentials';
export * from './endpointMetrics';
export * from './scoring';
export * from './oip';
export * from './datastores';
export * from './batchJobs';
export * from './pipelines';
export * from './schedules';
export * from './runs';
export * from './health';
export * from './monitoring';
export { ParameterReference } from './parameterized';
