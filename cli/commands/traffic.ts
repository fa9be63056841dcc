/**
 * `sibyl traffic ENDPOINT blue=90 green=10 [--mirror green=10]`: shows or sets an endpoint's live
 * traffic split (and mirrored traffic) through `PUT api/endpoints/{name}`, keeping its other settings.
 */
import type { Command } from 'commander';
import { seg } from '../core/apiClient';
import { UsageError } from '../core/cliErrors';
import { act, leaf } from '../core/commandKit';
import { pairs, printResult, record } from '../core/output';
import { collect, parseKeyValues, wholeNumber } from '../core/parseArgs';
import type { Endpoint } from '../../shared/api/schemas';

function percents(items: readonly string[], what: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(parseKeyValues(items, what)))
    out[name] = wholeNumber(value.replace(/%$/, ''), `${what} ${name}`, 0, 100);
  return out;
}

export function registerTrafficCommand(program: Command): void {
  leaf(
    program
      .command('traffic <endpoint> [split...]')
      .description('Show or set the traffic split of an endpoint (percentages must add up to 100)'),
    [
      'sibyl traffic iris                        # show',
      'sibyl traffic iris blue=90 green=10',
      'sibyl traffic iris blue=100 --mirror green=20   # shadow 20% to green',
      'sibyl traffic iris blue=100 --no-mirror',
    ],
  )
    .option(
      '--mirror <deployment=percent>',
      'copy this share of live traffic to a deployment (repeatable)',
      collect,
      [],
    )
    .option('--no-mirror', 'stop mirroring')
    .action(
      act(async (ctx, name: string, split: string[], opts: { mirror: string[] | false }) => {
        const api = ctx.api();
        const current = await api.get<Endpoint>(`/api/endpoints/${seg(name)}`);
        const mirrorGiven = opts.mirror === false || opts.mirror.length > 0;
        if (split.length === 0 && !mirrorGiven) {
          printResult(ctx.format, { traffic: current.traffic, mirrorTraffic: current.mirrorTraffic ?? {} }, () =>
            record([
              ['traffic', pairs(current.traffic) || '(none)'],
              ['mirror', pairs(current.mirrorTraffic) || '(none)'],
            ]),
          );
          return;
        }
        const traffic = split.length ? percents(split, 'traffic') : current.traffic;
        const mirrorTraffic =
          opts.mirror === false ? {} : opts.mirror.length ? percents(opts.mirror, '--mirror') : current.mirrorTraffic;
        const total = Object.values(traffic).reduce((a, b) => a + b, 0);
        if (split.length && total !== 100)
          throw new UsageError(`traffic adds up to ${total}%; it must add up to 100 (e.g. blue=90 green=10).`);
        const { body } = await api.put<Endpoint>(`/api/endpoints/${seg(name)}`, {
          authMode: current.authMode,
          description: current.description,
          traffic,
          mirrorTraffic,
        });
        printResult(ctx.format, { traffic: body.traffic, mirrorTraffic: body.mirrorTraffic ?? {} }, () =>
          record([
            ['traffic', pairs(body.traffic)],
            ['mirror', pairs(body.mirrorTraffic) || '(none)'],
          ]),
        );
      }),
    );
}
