/**
 * `sibyl score ENDPOINT --data FILE|-`: scores JSON or CSV rows against an endpoint, Azure ML style
 * (`api/endpoints/{name}/score`) or with `--protocol oip` (`api/v2/models/{endpoint}[/versions/{d}]/infer`),
 * and prints the answer. JSON goes out as written (user code reads the raw body); CSV becomes the
 * protocol's body. The credential comes from the control plane unless `--bearer` is given.
 */
import { Option, type Command } from 'commander';
import { seg } from '../core/apiClient';
import { act, leaf } from '../core/commandKit';
import { parseCsv } from '../core/csvRows';
import { endpointCredential } from '../core/endpointCredential';
import { printResult, writeOut, type OutputFormat } from '../core/output';
import { predictionTable } from '../core/predictionTable';
import { readText } from '../core/readInput';
import { scoreRequest, type ScoreAnswer } from '../core/scoreRequest';
import {
  azureMlBody,
  dataFormat,
  oipBodyFromCsv,
  parseJsonInput,
  type DataFormat,
  type OipTensorMeta,
} from '../core/scoringBody';

interface ScoreOptions {
  data: string;
  deployment?: string;
  protocol: 'azureml' | 'oip';
  format?: DataFormat;
  bearer?: string;
}

export function registerScoreCommand(program: Command): void {
  leaf(
    program
      .command('score <endpoint>')
      .description('Score rows (JSON or CSV) against an endpoint and print the predictions'),
    [
      'sibyl score iris --data rows.csv',
      'sibyl score iris --data request.json --deployment green',
      'echo \'{"input_data": {"columns": ["a","b"], "data": [[1,2]]}}\' | sibyl score iris --data - -o json',
      'sibyl score iris --data rows.csv --protocol oip',
    ],
  )
    .requiredOption('-d, --data <file>', 'request: a JSON body, or CSV with a header row (- reads stdin)')
    .option('--deployment <name>', 'pin the request to one deployment (bypasses the traffic split)')
    .addOption(
      new Option('--protocol <protocol>', 'azureml (api/endpoints/{name}/score) or oip (Open Inference Protocol v2)')
        .choices(['azureml', 'oip'])
        .default('azureml'),
    )
    .addOption(
      new Option('--format <format>', 'input format (default: from the file extension, else sniffed)').choices([
        'json',
        'csv',
      ]),
    )
    .option(
      '--bearer <credential>',
      'data-plane credential to send instead of fetching the endpoint key/token (needed for aad endpoints)',
    )
    .action(
      act(async (ctx, endpoint: string, opts: ScoreOptions) => {
        const text = await readText(opts.data);
        const format = dataFormat(opts.data, text, opts.format);
        // JSON is checked here but sent as written: a scoring script's run() reads these very bytes.
        if (format === 'json') parseJsonInput(text, opts.data);
        const csv = format === 'csv' ? parseCsv(text) : undefined;
        const api = ctx.api();
        const bearer = await endpointCredential(api, endpoint, opts.bearer);
        let answer: ScoreAnswer;
        if (opts.protocol === 'oip') {
          const base = `/api/v2/models/${seg(endpoint)}${opts.deployment ? `/versions/${seg(opts.deployment)}` : ''}`;
          let body = text;
          if (csv) {
            const meta = (await api.request<{ inputs: OipTensorMeta[] }>('GET', base, { bearer })).body;
            body = JSON.stringify(oipBodyFromCsv(csv, meta.inputs));
          }
          answer = await scoreRequest(api, { endpoint, path: `${base}/infer`, bearer, body });
        } else {
          const headers: Record<string, string> = opts.deployment
            ? { 'azureml-model-deployment': opts.deployment }
            : {};
          const body = csv ? JSON.stringify(azureMlBody(csv)) : text;
          answer = await scoreRequest(api, {
            endpoint,
            path: `/api/endpoints/${seg(endpoint)}/score`,
            bearer,
            headers,
            body,
          });
        }
        printAnswer(ctx.format, answer);
      }),
    );
}

/**
 * The answer as it came: JSON as JSON (a table when it holds predictions), a string or a body that is
 * not JSON as its text (`-o json` prints that text as a JSON string).
 */
function printAnswer(format: OutputFormat, answer: ScoreAnswer): void {
  const { value, isJson, text } = answer;
  if (format === 'json') return printResult(format, isJson ? value : text, () => '');
  if (!isJson) return writeOut(text);
  if (typeof value === 'string') return writeOut(value);
  writeOut(predictionTable(value) ?? JSON.stringify(value, null, 2));
}
