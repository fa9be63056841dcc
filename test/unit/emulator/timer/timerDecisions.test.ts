import { parseSchedule } from '../../../../emulator/timer/ncrontab';
import {
  NEVER,
  checkPastDue,
  isMonitored,
  readScheduleStatus,
  statusAfterRun,
  toTimerInfo,
} from '../../../../emulator/timer/timerDecisions';

const at = (s: string): Date => new Date(s);
const everyFive = parseSchedule('0 */5 * * * *');

describe('timer decisions', () => {
  it('initialises the status of a timer seen for the first time', () => {
    expect(checkPastDue(everyFive, undefined, at('2024-01-01T10:02:30Z'))).toEqual({
      status: { Last: NEVER, Next: '2024-01-01T10:05:00.000+00:00', LastUpdated: '2024-01-01T10:02:30.000+00:00' },
      save: true,
      pastDue: false,
    });
  });

  it('is past due when the recorded Next is behind now, and not when it is ahead', () => {
    const stored = {
      Last: '2024-01-01T10:05:00+00:00',
      Next: '2024-01-01T10:10:00+00:00',
      LastUpdated: '2024-01-01T10:05:00+00:00',
    };
    expect(checkPastDue(everyFive, stored, at('2024-01-01T13:00:00Z'))).toEqual({
      status: stored,
      save: false,
      pastDue: true,
    });
    expect(checkPastDue(everyFive, stored, at('2024-01-01T10:09:00Z'))).toEqual({
      status: stored,
      save: false,
      pastDue: false,
    });
  });

  it('uses LastUpdated when the timer never ran', () => {
    const stored = { Last: NEVER, Next: '2024-01-01T10:05:00+00:00', LastUpdated: '2024-01-01T10:02:30+00:00' };
    expect(checkPastDue(everyFive, stored, at('2024-01-01T10:30:00Z')).pastDue).toBe(true);
  });

  it('counts a scheduled run that fired early as running at its Next', () => {
    const status = { Last: NEVER, Next: '2024-01-01T10:05:00.000+00:00', LastUpdated: NEVER };
    expect(statusAfterRun(everyFive, status, at('2024-01-01T10:04:59.600Z'), 'schedule').Next).toBe(
      '2024-01-01T10:10:00.000+00:00',
    );
    expect(statusAfterRun(everyFive, status, at('2024-01-01T10:04:59.600Z'), 'startup').Next).toBe(
      '2024-01-01T10:05:00.000+00:00',
    );
  });

  it('turns monitoring off for sub-minute schedules, cron or TimeSpan', () => {
    const now = at('2024-01-01T10:00:00Z');
    expect(isMonitored(everyFive, true, now)).toBe(true);
    expect(isMonitored(everyFive, false, now)).toBe(false);
    expect(isMonitored(parseSchedule('*/30 * * * * *'), true, now)).toBe(false);
    expect(isMonitored(parseSchedule('0 * * * * *'), true, now)).toBe(true);
    expect(isMonitored(parseSchedule('00:00:45'), true, now)).toBe(false);
    expect(isMonitored(parseSchedule('00:01:00'), true, now)).toBe(true);
  });

  it('builds the TimerInfo wire shape and validates stored statuses', () => {
    expect(toTimerInfo(null, true)).toEqual({
      Schedule: { AdjustForDST: true },
      ScheduleStatus: null,
      IsPastDue: true,
    });
    expect(readScheduleStatus({ Last: NEVER, Next: '2024-01-01T00:00:00Z', LastUpdated: NEVER })).toBeDefined();
    expect(readScheduleStatus({ Last: NEVER, Next: 'soon', LastUpdated: NEVER })).toBeUndefined();
    expect(readScheduleStatus('x')).toBeUndefined();
  });
});
