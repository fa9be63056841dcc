/**
 * Pipelines and schedules: the published pipeline versions (from `GET api/pipelines` when the
 * server has it, else those that schedules and runs refer to), and every schedule with its trigger,
 * next fire time, firing history and an enable/disable switch.
 */
import { ApiError, seg } from '../api/client';
import type { List, Pipeline, Run, Schedule } from '../api/types';
import { COMMANDS } from '../commands';
import { hashFor } from '../router';
import { h, replace } from '../ui/dom';
import { formatDateTime, formatRelative } from '../ui/format';
import { poll } from '../ui/poller';
import { card, dataTable, emptyState, errorBox, link, loading, statusBadge } from '../ui/widgets';
import type { Page } from './page';

function triggerText(s: Schedule): string {
  const t = s.trigger;
  if ('cron' in t) return `cron ${t.cron}${t.timeZone ? ` (${t.timeZone})` : ' (UTC)'}`;
  return `when ${t.datastore}:${t.pathPattern} changes${t.parameterName ? ` → ${t.parameterName}` : ''}`;
}

/** `open` remembers which histories the user expanded, across refreshes. */
function historyView(s: Schedule, open: Set<string>): HTMLElement {
  if (s.history.length === 0) return h('span', { class: 'muted' }, 'Never fired');
  const last = s.history[0]!;
  const details = h(
    'details',
    { class: 'history', open: open.has(s.name) },
    h(
      'summary',
      {},
      statusBadge(last.status),
      ` ${formatRelative(last.fireTime)} · ${s.history.length} firing${s.history.length === 1 ? '' : 's'}`,
    ),
    h(
      'ul',
      {},
      ...s.history.map((f) =>
        h(
          'li',
          {},
          formatDateTime(f.fireTime),
          ' ',
          statusBadge(f.status),
          ' ',
          link(hashFor(['runs', f.runId]), f.runId, { class: 'mono' }),
        ),
      ),
    ),
  );
  details.addEventListener('toggle', () => (details.open ? open.add(s.name) : open.delete(s.name)));
  return details;
}

interface VersionRow {
  ref: string;
  runs: number;
  schedules: string[];
  lastRun?: Run;
}

export const pipelinesPage: Page = (root, ctx) => {
  ctx.title('Pipelines and schedules');
  const pipelines = h('div', {}, loading());
  const schedules = h('div', {}, loading());
  const notice = h('p', { role: 'status', class: 'notice', hidden: true });
  root.append(
    h('h1', {}, 'Pipelines and schedules'),
    notice,
    card('Published pipelines', pipelines),
    card('Schedules', schedules),
  );
  const busy = new Set<string>();
  const openHistories = new Set<string>();

  const toggle = async (s: Schedule) => {
    busy.add(s.name);
    try {
      // Re-read the schedule and write back only that version (If-Match): a change made meanwhile,
      // by another user or the API, is answered 412 instead of being overwritten.
      const { value: current, etag } = await ctx.api.getVersioned<Schedule>(`/api/schedules/${seg(s.name)}`);
      const spec = {
        pipeline: current.pipeline,
        parameters: current.parameters,
        enabled: !s.enabled,
        trigger: current.trigger,
      };
      await ctx.api.request<Schedule>('PUT', `/api/schedules/${seg(s.name)}`, {
        json: spec,
        headers: etag ? { 'if-match': etag } : {},
      });
      notice.hidden = false;
      notice.textContent = `Schedule ${s.name} is now ${s.enabled ? 'disabled' : 'enabled'}.`;
    } catch (error) {
      notice.hidden = false;
      replace(notice, errorBox(error, `Could not ${s.enabled ? 'disable' : 'enable'} schedule ${s.name}`));
    } finally {
      busy.delete(s.name);
      poller.refresh();
    }
  };

  const loadSchedules = async (): Promise<Schedule[]> => {
    try {
      const { value } = await ctx.api.get<List<Schedule>>('/api/schedules');
      if (value.length === 0) {
        replace(
          schedules,
          emptyState(
            'No schedules yet.',
            'A schedule runs a published pipeline on a cron timer or when a file lands in a datastore:',
            [{ label: 'curl', line: COMMANDS.putSchedule(ctx.origin) }],
          ),
        );
        return [];
      }
      replace(
        schedules,
        dataTable(
          'Schedules',
          [
            { label: 'Name', cell: (s: Schedule) => s.name },
            { label: 'Pipeline', cell: (s) => h('code', {}, s.pipeline) },
            { label: 'Trigger', cell: triggerText },
            {
              label: 'Enabled',
              cell: (s) => {
                const b = h(
                  'button',
                  {
                    type: 'button',
                    class: `switch ${s.enabled ? 'on' : ''}`,
                    role: 'switch',
                    'aria-checked': String(s.enabled),
                    'aria-label': `Schedule ${s.name} enabled`,
                    disabled: busy.has(s.name),
                  },
                  s.enabled ? 'On' : 'Off',
                );
                b.addEventListener('click', () => void toggle(s));
                return b;
              },
            },
            {
              label: 'Next fire',
              cell: (s) =>
                s.enabled && s.nextFireTime
                  ? h('span', { title: formatDateTime(s.nextFireTime) }, formatRelative(s.nextFireTime))
                  : s.enabled
                    ? '—'
                    : 'paused',
            },
            { label: 'History', cell: (s) => historyView(s, openHistories) },
          ],
          [...value].sort((a, b) => a.name.localeCompare(b.name)),
        ),
      );
      return value;
    } catch (error) {
      replace(schedules, errorBox(error, 'Could not load schedules'));
      return [];
    }
  };

  const loadPipelines = async (known: Schedule[]) => {
    let listed: Pipeline[] | undefined;
    let listError: unknown;
    try {
      listed = (await ctx.api.get<List<Pipeline>>('/api/pipelines')).value;
    } catch (error) {
      listError = error;
    }
    if (listed) {
      replace(
        pipelines,
        listed.length === 0
          ? emptyState('No pipelines yet.', 'Save a pipeline draft, then publish it:', [
              { label: 'curl', line: COMMANDS.putPipeline(ctx.origin) },
            ])
          : dataTable(
              'Pipelines',
              [
                { label: 'Name', cell: (p: Pipeline) => p.name },
                { label: 'Published', cell: (p) => (p.latestVersion ? `v1 … v${p.latestVersion}` : 'draft only') },
                { label: 'Steps', cell: (p) => p.steps.map((s) => `${s.name} (${s.kind})`).join(' → ') },
                { label: 'Parameters', cell: (p) => Object.keys(p.parameters).join(', ') || '—', secondary: true },
                { label: 'Updated', cell: (p) => formatDateTime(p.updatedAt), secondary: true },
              ],
              listed,
            ),
      );
      return;
    }
    // No list route: gather the versions that schedules and pipeline runs name.
    const rows = new Map<string, VersionRow>();
    const row = (ref: string) => rows.get(ref) ?? rows.set(ref, { ref, runs: 0, schedules: [] }).get(ref)!;
    for (const s of known) row(s.pipeline).schedules.push(s.name);
    let runsError: unknown;
    try {
      for (const r of (await ctx.api.get<List<Run>>('/api/runs?top=500')).value) {
        if (r.kind !== 'pipeline' || !r.pipeline) continue;
        const v = row(r.pipeline);
        v.runs++;
        if (!v.lastRun || v.lastRun.createdAt < r.createdAt) v.lastRun = r;
      }
    } catch (error) {
      runsError = error;
    }
    const missing = listError instanceof ApiError && listError.routeMissing;
    replace(
      pipelines,
      missing
        ? h(
            'p',
            { class: 'muted small' },
            'This Sibyl has no route that lists pipelines (GET api/pipelines), ' +
              'so these are the published versions that schedules and runs refer to.',
          )
        : errorBox(listError, 'Could not list pipelines'),
      runsError ? errorBox(runsError, 'Could not read pipeline runs') : null,
      rows.size === 0
        ? emptyState(
            'No published pipelines seen yet.',
            'Save a pipeline draft and publish it; it shows here once a schedule or a run uses it:',
            [{ label: 'curl', line: COMMANDS.putPipeline(ctx.origin) }],
          )
        : dataTable(
            'Published pipeline versions',
            [
              { label: 'Version', cell: (v: VersionRow) => h('code', {}, v.ref) },
              { label: 'Schedules', cell: (v) => v.schedules.join(', ') || '—' },
              { label: 'Runs', cell: (v) => String(v.runs), numeric: true },
              {
                label: 'Last run',
                cell: (v) =>
                  v.lastRun
                    ? h(
                        'span',
                        {},
                        statusBadge(v.lastRun.status),
                        ' ',
                        link(hashFor(['runs', v.lastRun.id]), formatRelative(v.lastRun.createdAt)),
                      )
                    : '—',
              },
            ],
            [...rows.values()].sort((a, b) => a.ref.localeCompare(b.ref)),
          ),
    );
  };

  const poller = poll(async () => {
    const known = await loadSchedules();
    await loadPipelines(known);
  }, 10_000);
  return () => poller.stop();
};
