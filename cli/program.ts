/**
 * The `sibyl` command tree: every command group registers itself from its own file. Commander is set
 * to throw instead of exiting, so `main` alone decides exit codes.
 *
 * @example
 *   await createProgram().parseAsync(['node', 'sibyl', 'models', 'list', '-o', 'json']);
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { registerAzureCommands } from './commands/azure';
import { registerBatchCommands } from './commands/batch';
import { registerDatastoreCommands } from './commands/datastores';
import { registerDeploymentCommands } from './commands/deployments';
import { registerEndpointCommands } from './commands/endpoints';
import { registerCodeCommands } from './commands/code';
import { registerEnvironmentCommands } from './commands/environments';
import { registerLoginCommands } from './commands/login';
import { registerModelCommands } from './commands/models';
import { registerMonitorCommands } from './commands/monitors';
import { registerPipelineCommands } from './commands/pipelines';
import { registerRunCommands } from './commands/runs';
import { registerScheduleCommands } from './commands/schedules';
import { registerScoreCommand } from './commands/score';
import { registerTrafficCommand } from './commands/traffic';
import { registerTransferCommands } from './commands/transfer';
import { withExamples } from './core/commandKit';

/** The package version (dist/cli/ → package.json two levels up; cli/ under ts-node one level). */
function packageVersion(): string {
  for (const up of [['..', '..'], ['..']]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, ...up, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'sibyl' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

const QUICK_START = [
  'sibyl login --url http://127.0.0.1:7071        # key from the npm start banner',
  'sibyl models register model.onnx --name iris',
  'sibyl endpoints create iris --auth key',
  'sibyl deploy iris/blue --model iris:1',
  'sibyl score iris --data rows.csv',
  'sibyl upload day1.csv workspaceblobstore:iris/input/',
  'sibyl batch run --deployment iris/blue --input workspaceblobstore:iris/input/ --output-path workspaceblobstore:iris/output/ --wait',
];

export function createProgram(): Command {
  const program = new Command('sibyl')
    .description('Command line client of Sibyl: ONNX model serving on Azure Functions, over its HTTP API.')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ outputError: (text, write) => write(`sibyl: ${text}`) });
  withExamples(program, QUICK_START);
  program.addHelpText(
    'after',
    '\nEvery command takes --profile NAME and --output json|table. Exit codes: 0 ok, 1 API error, 2 usage error, 3 job Failed/Canceled.\nEnvironment: SIBYL_URL, SIBYL_KEY, SIBYL_PROFILE, SIBYL_ENDPOINT_TOKEN, AZURE_STORAGE_CONNECTION_STRING, XDG_CONFIG_HOME.\n',
  );
  registerLoginCommands(program);
  registerModelCommands(program);
  registerEnvironmentCommands(program);
  registerCodeCommands(program);
  registerEndpointCommands(program);
  registerDeploymentCommands(program);
  registerTrafficCommand(program);
  registerScoreCommand(program);
  registerDatastoreCommands(program);
  registerTransferCommands(program);
  registerBatchCommands(program);
  registerRunCommands(program);
  registerPipelineCommands(program);
  registerScheduleCommands(program);
  registerMonitorCommands(program);
  registerAzureCommands(program);
  return program;
}
