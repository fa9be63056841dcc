/**
 * `sibyl schedules apply|list|show|enable|disable|delete`: cron and data-change schedules of published
 * pipelines (`api/schedules`). `enable`/`disable` read the schedule and write it back with `enabled` flipped.
 */
import type { Command } from 'commander';
import { seg, type ApiClient } from '../core/apiClient';
import { act, type CommandContext, commandGroup, leaf } from '../core/commandKit';
import { pairs, printResult, record, shortTime, table } from '../core/output';
import { applyCommand, deleteCommand, listCommand, showCommand } from '../core/resourceCommands';
import type { Schedule } from '../../shared/api/schemas';

const triggerText = (t: Schedule['trigger']) =>
  'cron' in t
    ? `cron ${t.cron}${t.timeZone ? ` (${t.timeZone})` : ''}`
    : `blobs ${t.datastore}:${t.pathPattern} → ${t.parameterName ?? 'inputPath'}`;

function printSchedule(ctx: CommandContext, s: Schedule): void {
  printResult(ctx.format, s, () =>
    [
      record([
        ['schedule', s.name],
        ['pipeline', s.pipeline],
        ['enabled', s.enabled ? 'yes' : 'no'],
        ['trigger', triggerText(s.trigger)],
        ['parameters', pairs(s.parameters)],
        ['next fire', shortTime(s.nextFireTime)],
      ]),
      table(
        ['fired', 'run', 'status'],
        s.history.map((h) => [shortTime(h.fireTime), h.runId, h.status]),
        '(not fired yet)',
      ),
    ].join('\n'),
  );
}

/** Writes the schedule back with `enabled` set, keeping everything else. */
async function setEnabled(api: ApiClient, name: string, enabled: boolean): Promise<Schedule> {
  const s = await api.get<Schedule>(`/api/schedules/${seg(name)}`);
  return (
    await api.put<Schedule>(`/api/schedules/${seg(name)}`, {
      pipeline: s.pipeline,
      parameters: s.parameters,
      enabled,
      trigger: s.trigger,
    })
  ).body;
}

export function registerScheduleCommands(program: Command): void {
  const schedules = commandGroup(
    program,
    'schedules',
    'Schedules: run a published pipeline on a timer or when data lands',
    ['sibyl schedules apply nightly-2am.yaml', 'sibyl schedules list', 'sibyl schedules disable nightly-2am'],
  );

  applyCommand<Schedule>(
    schedules,
    'schedule',
    'Create or replace a schedule from a YAML or JSON file',
    ['sibyl schedules apply nightly-2am.yaml', 'sibyl schedules apply on-landing.json --name on-landing'],
    printSchedule,
  );

  listCommand<Schedule>(schedules, 'List schedules and their last firing', ['sibyl schedules list'], {
    head: ['schedule', 'pipeline', 'enabled', 'trigger', 'last run', 'next fire'],
    row: (s) => [
      s.name,
      s.pipeline,
      s.enabled ? 'yes' : 'no',
      triggerText(s.trigger),
      s.history[0] ? `${s.history[0].runId} ${s.history[0].status}` : '',
      shortTime(s.nextFireTime),
    ],
    empty: '(no schedules)',
  });

  showCommand<Schedule>(schedules, 'Show a schedule and its history', 'nightly-2am', printSchedule);

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    leaf(schedules.command(`${verb} <name>`).description(`${enabled ? 'Resume' : 'Pause'} a schedule`), [
      `sibyl schedules ${verb} nightly-2am`,
    ]).action(act(async (ctx, name: string) => printSchedule(ctx, await setEnabled(ctx.api(), name, enabled))));
  }

  deleteCommand(schedules, 'schedule', 'Delete a schedule (its past runs stay)', 'nightly-2am');
}
