import { dueTick } from '../../../shared/schedules/dueTick';
import { cronFireId, blobFireId } from '../../../shared/schedules/fireIds';
import { parseSchedule } from '../../../shared/schedules/ncrontab';

const at = (iso: string) => new Date(iso);
const everyMinute = parseSchedule('0 * * * * *');
const everySecond = parseSchedule('* * * * * *');

describe('dueTick', () => {
  it('fires the tick that just passed, on time', () => {
    const hourly = parseSchedule('0 0 * * * *');
    expect(
      dueTick(hourly, {
        from: at('2024-06-01T09:00:00Z'),
        now: at('2024-06-01T10:00:00.300Z'),
        scheduler: everyMinute,
      }),
    ).toEqual({ fireTime: at('2024-06-01T10:00:00Z'), late: false });
    expect(
      dueTick(hourly, { from: at('2024-06-01T10:00:00Z'), now: at('2024-06-01T10:00:59Z'), scheduler: everyMinute }),
    ).toBeUndefined();
  });

  it('collapses ticks missed during downtime into one late fire of the latest', () => {
    const every3s = parseSchedule('*/3 * * * * *');
    const tick = dueTick(every3s, {
      from: at('2024-06-01T10:00:03Z'),
      now: at('2024-06-01T10:00:20.100Z'),
      scheduler: everySecond,
    });
    expect(tick).toEqual({ fireTime: at('2024-06-01T10:00:18Z'), late: true });
  });

  it('does not call a tick late when the scheduler is coarser than the schedule', () => {
    // Every 5 s under a once-a-minute scheduler: the minute's ticks collapse into one, on time.
    const every5s = parseSchedule('*/5 * * * * *');
    expect(
      dueTick(every5s, {
        from: at('2024-06-01T10:00:00Z'),
        now: at('2024-06-01T10:01:00.050Z'),
        scheduler: everyMinute,
      }),
    ).toEqual({ fireTime: at('2024-06-01T10:01:00Z'), late: false });
  });

  it('calls a tick late once a whole scheduler run passed it by', () => {
    const hourly = parseSchedule('0 0 * * * *');
    expect(
      dueTick(hourly, { from: at('2024-06-01T09:00:00Z'), now: at('2024-06-01T10:00:59Z'), scheduler: everyMinute })
        ?.late,
    ).toBe(false);
    expect(
      dueTick(hourly, { from: at('2024-06-01T09:00:00Z'), now: at('2024-06-01T10:01:00.001Z'), scheduler: everyMinute })
        ?.late,
    ).toBe(true);
  });

  it('finds the latest of sparse ticks far back', () => {
    const yearly = parseSchedule('0 0 0 1 1 *');
    expect(
      dueTick(yearly, { from: at('2020-06-01T00:00:00Z'), now: at('2024-06-01T00:00:00Z'), scheduler: everyMinute }),
    ).toEqual({ fireTime: at('2024-01-01T00:00:00Z'), late: true });
  });

  it('stops at the end time', () => {
    const every3s = parseSchedule('*/3 * * * * *');
    expect(
      dueTick(every3s, {
        from: at('2024-06-01T10:00:00Z'),
        now: at('2024-06-01T10:01:00Z'),
        endTime: at('2024-06-01T10:00:10Z'),
        scheduler: everySecond,
      })?.fireTime,
    ).toEqual(at('2024-06-01T10:00:09Z'));
    expect(
      dueTick(every3s, {
        from: at('2024-06-01T10:00:09Z'),
        now: at('2024-06-01T10:01:00Z'),
        endTime: at('2024-06-01T10:00:10Z'),
        scheduler: everySecond,
      }),
    ).toBeUndefined();
  });

  it('reads ticks in the schedule time zone', () => {
    const nineParis = parseSchedule('0 0 9 * * *', { timeZone: 'Europe/Paris' });
    expect(
      dueTick(nineParis, {
        from: at('2024-06-01T00:00:00Z'),
        now: at('2024-06-01T07:00:00.2Z'),
        scheduler: everyMinute,
      })?.fireTime,
    ).toEqual(at('2024-06-01T07:00:00Z'));
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
