/** Public surface of the emulator's Durable Functions engine. */
export { DurableEngine } from './engine';
export type { DurableEngineOptions, RequestResult, StartNewOptions } from './engine';
export type { InstanceQuery } from './instanceQueries';
export { DurableRequestError } from './durableRequestError';
export type { DurableLog } from './instanceHost';
export type { InstanceSummary } from './instanceStore';
export { managementApi } from './managementApi';
export type { ManagementRequest, ManagementResponse } from './managementApi';
export { checkStatusPayload, durableClientData, durableClientInputData, webhookPath } from './clientBinding';
export type { StatusOptions, StatusPayload } from './statusPayload';
export type { RuntimeStatus } from './historyEvents';
