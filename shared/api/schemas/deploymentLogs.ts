/**
 * The console of a `container`/`gpu` deployment's replicas (`GET …/deployments/{d}/logs`), as Azure
 * ML's `get-logs` gives it: what the scorer and the scoring script wrote, secrets redacted.
 */
import { Type, type Static } from '@sinclair/typebox';
import { MAX_LOG_LINES } from '../../compute/computeTypes';
import { stringEnum } from './common';

export const DEFAULT_LOG_LINES = 100;

export const DeploymentLogsQuery = Type.Object(
  {
    lines: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_LOG_LINES,
        description: `How many of the last lines of each replica (default ${DEFAULT_LOG_LINES}; Azure serves at most 300).`,
      }),
    ),
  },
  { title: 'DeploymentLogsQuery' },
);
export type DeploymentLogsQuery = Static<typeof DeploymentLogsQuery>;

export const DeploymentLogLine = Type.Object(
  {
    replica: Type.String({ description: 'The replica that wrote the line.' }),
    stream: stringEnum(['stdout', 'stderr'] as const, {
      description: "Which console stream (Azure's log stream does not always say: then `stdout`).",
    }),
    time: Type.String({ description: 'When the line was written (ISO 8601; empty when unknown).' }),
    text: Type.String({ description: 'The line, without its newline; secrets replaced by [REDACTED].' }),
  },
  { title: 'DeploymentLogLine' },
);
export type DeploymentLogLine = Static<typeof DeploymentLogLine>;

export const DeploymentLogs = Type.Object(
  {
    endpoint: Type.String(),
    deployment: Type.String(),
    lines: Type.Array(DeploymentLogLine, {
      description: 'The last lines of each replica, running or ended recently (a failed start included), oldest first.',
    }),
  },
  {
    title: 'DeploymentLogs',
    description:
      "The console of the deployment's replicas. With `Accept: text/plain`, the same lines as text, one per line: " +
      '`<replica> <stream> <time> <text>`.',
    examples: [
      {
        endpoint: 'iris',
        deployment: 'blue',
        lines: [
          {
            replica: 'blue-7f3a2c1d-1',
            stream: 'stdout',
            time: '2026-12-04T23:01:02.123Z',
            text: 'Sibyl scorer listening on port 8080 (execution provider: cpu)',
          },
        ],
      },
    ],
  },
);
export type DeploymentLogs = Static<typeof DeploymentLogs>;
