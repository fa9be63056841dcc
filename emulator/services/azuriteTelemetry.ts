/**
 * Loads Azurite's telemetry module with Application Insights' diagnostic channel off. Azurite's server
 * modules require `applicationinsights` on load (its telemetry is only switched on by Azurite's CLI, which
 * the host does not use), and loading it starts the diagnostic channel: it replaces `Module.prototype.require`
 * for the whole process and patches the console and the Azure SDKs, so every later `require` of the host and
 * the app pays for it (about a second of `npm start` here). `azurite.ts` imports this first. The setting is
 * put back afterwards so an app that sets up Application Insights itself reads its own; one the user set wins.
 */
const NO_DIAGNOSTIC_CHANNEL = 'APPLICATION_INSIGHTS_NO_DIAGNOSTIC_CHANNEL';
const userSetting = process.env[NO_DIAGNOSTIC_CHANNEL];
process.env[NO_DIAGNOSTIC_CHANNEL] = userSetting ?? 'true';
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('azurite/dist/src/common/Telemetry');
} finally {
  if (userSetting === undefined) delete process.env[NO_DIAGNOSTIC_CHANNEL];
}

export {};
