/** Schedule routes: `PUT/GET/DELETE api/schedules/{name}`, `GET api/schedules` (control plane). */
import { parseParams } from '../shared/api/validate';
import { ScheduleParams, ScheduleSpec } from '../shared/api/schemas';
import { getConfig } from '../shared/config';
import { deleteSchedule, listSchedules, putSchedule, readSchedule } from '../shared/schedules/scheduleStore';
import { etagHeader, ifMatchOf } from './http/conditional';
import { registerRoute } from './http/registerRoute';
import { readBody } from './http/requestBody';

registerRoute('createOrUpdateSchedule', async (request) => {
  const { name } = parseParams(ScheduleParams, request.params);
  const spec = await readBody(request, ScheduleSpec, 'schedule');
  const { schedule, created, etag } = await putSchedule(name, spec, {
    watchedContainer: getConfig().scheduler.watchedContainer,
    ifMatch: ifMatchOf(request),
  });
  return { status: created ? 201 : 200, jsonBody: schedule, headers: etagHeader(etag) };
});

registerRoute('getSchedule', async (request) => {
  const { name } = parseParams(ScheduleParams, request.params);
  const { schedule, etag } = await readSchedule(name);
  return { jsonBody: schedule, headers: etagHeader(etag) };
});

registerRoute('listSchedules', async () => ({ jsonBody: { value: await listSchedules() } }));

registerRoute('deleteSchedule', async (request) => {
  const { name } = parseParams(ScheduleParams, request.params);
  await deleteSchedule(name);
  return { status: 204 };
});
