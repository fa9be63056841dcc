/** Schedule routes: `PUT/GET/DELETE api/schedules/{name}`, `GET api/schedules` (control plane). */
import { parseParams } from '../shared/api/validate';
import { ScheduleParams, ScheduleSpec } from '../shared/api/schemas';
import { getConfig } from '../shared/config';
import { deleteSchedule, getSchedule, listSchedules, putSchedule } from '../shared/schedules/scheduleStore';
import { registerRoute } from './http/registerRoute';
import { readBody } from './http/requestBody';

registerRoute('createOrUpdateSchedule', async (request) => {
  const { name } = parseParams(ScheduleParams, request.params);
  const spec = await readBody(request, ScheduleSpec, 'schedule');
  const { schedule, created } = await putSchedule(name, spec, { watchedContainer: getConfig().scheduler.watchedContainer });
  return { status: created ? 201 : 200, jsonBody: schedule };
});

registerRoute('getSchedule', async (request) => {
  const { name } = parseParams(ScheduleParams, request.params);
  return { jsonBody: await getSchedule(name) };
});

registerRoute('listSchedules', async () => ({ jsonBody: { value: await listSchedules() } }));

registerRoute('deleteSchedule', async (request) => {
  const { name } = parseParams(ScheduleParams, request.params);
  await deleteSchedule(name);
  return { status: 204 };
});
