import { dueTick } from '../../../shared/schedules/dueTick';
import { cronFireId, blobFireId } from '../../../shared/schedules/fireIds';
import { parseSchedule, type Schedule } from '../../../shared/schedules/ncrontab';

const at = (iso: string) => new Date(iso);
const everyMinute = parseSchedule('0 * * * * *');
const everySecond = parseSchedule('* * * * * *');

/** The tick of `schedule` due in (from, now], its scheduler running once a minute unless told otherwise. */
function due(schedule: Schedule, from: string, now: string, more: { scheduler?: Schedule; endTime?: string } = {}) {
  const endTime = more.endTime === undefined ? {} : { endTime: at(more.endTime) };
  return dueTick(schedule, { from: at(from), now: at(now), scheduler: more.scheduler ?? everyMinute, ...endTime });
}

/** The answer for a tick at `iso` fired on time or late. */
const fire = (iso: string, late: boolean) => ({ fireTime: at(iso), late });

describe('dueTick', () => {
  it('fires the tick that just passed, on time', () => {
    const hourly = parseSchedule('0 0 * * * *');
    expect(due(hourly, '2024-06-01T09:00:00Z', '2024-06-01T10:00:00.300Z')).toEqual(
      fire('2024-06-01T10:00:00Z', false),
    );
    expect(due(hourly, '2024-06-01T10:00:00Z', '2024-06-01T10:00:59Z')).toBeUndefined();
  });

  it('collapses ticks missed during downtime into one late fire of the latest', () => {
    const every3s = parseSchedule('*/3 * * * * *');
    const tick = due(every3s, '2024-06-01T10:00:03Z', '2024-06-01T10:00:20.100Z', { scheduler: everySecond });
    expect(tick).toEqual(fire('2024-06-01T10:00:18Z', true));
  });

  it('does not call a tick late when the scheduler is coarser than the schedule', () => {
    // Every 5 s under a once-a-minute scheduler: the minute's ticks collapse into one, on time.
    const every5s = parseSchedule('*/5 * * * * *');
    expect(due(every5s, '2024-06-01T10:00:00Z', '2024-06-01T10:01:00.050Z')).toEqual(
      fire('2024-06-01T10:01:00Z', false),
    );
  });

  it('calls a tick late once a whole scheduler run passed it by', () => {
    const hourly = parseSchedule('0 0 * * * *');
    expect(due(hourly, '2024-06-01T09:00:00Z', '2024-06-01T10:00:59Z')?.late).toBe(false);
    expect(due(hourly, '2024-06-01T09:00:00Z', '2024-06-01T10:01:00.001Z')?.late).toBe(true);
  });

  it('finds the latest of sparse ticks far back', () => {
    const yearly = parseSchedule('0 0 0 1 1 *');
    expect(due(yearly, '2020-06-01T00:00:00Z', '2024-06-01T00:00:00Z')).toEqual(fire('2024-01-01T00:00:00Z', true));
  });

  it('stops at the end time', () => {
    const every3s = parseSchedule('*/3 * * * * *');
    const until10s = { scheduler: everySecond, endTime: '2024-06-01T10:00:10Z' };
    expect(due(every3s, '2024-06-01T10:00:00Z', '2024-06-01T10:01:00Z', until10s)?.fireTime).toEqual(
      at('2024-06-01T10:00:09Z'),
    );
    expect(due(every3s, '2024-06-01T10:00:09Z', '2024-06-01T10:01:00Z', until10s)).toBeUndefined();
  });

  it('reads ticks in the schedule time zone', () => {
    const nineParis = parseSchedule('0 0 9 * * *', { timeZone: 'Europe/Paris' });
    expect(due(nineParis, '2024-06-01T00:00:00Z', '2024-06-01T07:00:00.2Z')?.fireTime).toEqual(
      at('2024-06-01T07:00:00Z'),
    );
  });
});

describe('fire ids', () => {
  const doc = { name: 'nightly', uid: '3f2a9c1e-0000-4000-8000-000000000000' };

  it('derives one id per schedule lifetime and tick', () => {
    expect(cronFireId(doc, at('2024-06-01T02:00:00Z'))).toBe('sched-nightly-3f2a9c1e-20240601T020000Z');
    expect(cronFireId({ ...doc, uid: 'aaaaaaaa-1' }, at('2024-06-01T02:00:00Z'))).not.toBe(
      cronFireId(doc, at('2024-06-01T02:00:00Z')),
    );
  });

  it('derives one id per blob version', () => {
    const a = blobFireId(doc, { container: 'c', name: 'in/a.csv', etag: '"0x1"' });
    expect(blobFireId(doc, { container: 'c', name: 'in/a.csv', etag: '0x1' })).toBe(a);
    expect(blobFireId(doc, { container: 'c', name: 'in/a.csv', etag: '"0x2"' })).not.toBe(a);
    expect(blobFireId(doc, { container: 'c', name: 'in/b.csv', etag: '"0x1"' })).not.toBe(a);
  });

  it('keeps ids short for long schedule names', () => {
    const id = cronFireId({ ...doc, name: 'n'.repeat(255) }, at('2024-06-01T02:00:00Z'));
    expect(id.length).toBeLessThan(120);
    expect(cronFireId({ ...doc, name: `${'n'.repeat(254)}m` }, at('2024-06-01T02:00:00Z'))).not.toBe(id);
  });
});
