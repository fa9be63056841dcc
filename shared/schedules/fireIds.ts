/**
 * Run ids (and so Durable instance ids) of schedule fires, derived from what fired: the schedule's
 * lifetime and the cron tick, or the blob and its ETag. The same tick or blob version always gives the
 * same id, so however many timers or trigger deliveries see it, one run is created (the second create
 * is a conflict) and one orchestration started.
 *
 * @example cronFireId({ name: 'nightly', uid: '3f2a…' }, new Date('2024-06-01T02:00:00Z')) // 'sched-nightly-3f2a9c1e-20240601T020000Z'
 */
import { createHash } from 'node:crypto';
import type { ScheduleDoc } from './scheduleDocuments';

const hash = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Names are kept readable; a very long one is cut and made unique with a hash (ids stay under ~120 characters). */
function prefix(doc: Pick<ScheduleDoc, 'name' | 'uid'>): string {
  const name = doc.name.length <= 64 ? doc.name : `${doc.name.slice(0, 48)}-${hash(doc.name).slice(0, 12)}`;
  return `sched-${name}-${doc.uid.replace(/-/g, '').slice(0, 8)}`;
}

/** `2024-06-01T02:00:00.000Z` → `20240601T020000Z`. */
function stamp(time: Date): string {
  return time
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

export function cronFireId(doc: Pick<ScheduleDoc, 'name' | 'uid'>, fireTime: Date): string {
  return `${prefix(doc)}-${stamp(fireTime)}`;
}

export function blobFireId(
  doc: Pick<ScheduleDoc, 'name' | 'uid'>,
  blob: { container: string; name: string; etag: string },
): string {
  return `${prefix(doc)}-b${hash(`${blob.container}\n${blob.name}\n${blob.etag.replace(/"/g, '')}`).slice(0, 24)}`;
}
