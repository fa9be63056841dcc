/**
 * The timer trigger's schedule parser. It lives in `shared/schedules` because the app's pipeline
 * schedules use the same NCRONTAB rules; the emulator reads it only through this file.
 */
export { parseSchedule } from '../../shared/schedules/ncrontab';
export type { Schedule, ScheduleOptions } from '../../shared/schedules/ncrontab';
