/** Schedule routes: `PUT/GET/DELETE api/schedules/{name}`, `GET api/schedules` (control plane). */
import { parseParams } from '../shared/api/validate';
import { ScheduleParams, ScheduleSpec } from '../shared/api/schemas';
import { getConfig } from '../shared/config';
import { deleteSchedule, listSchedules, putSchedule, readSchedule } from '../shared/schedules/scheduleStore';
import { etagAnswer, ifMatchOf } from './http/conditional';
import { registerRoute } from './http/registerRoute';
import { readBody } from './http/requestBody';

registerRoute('createOrUpdateSchedule', async (request) => {
  const { name } = parseParams(ScheduleParams, request.params);
  const spec = await readBody(request, ScheduleSpec, 'schedule');
  const options = { watchedContainer: getConfig().scheduler.watchedContainer, ifMatch: ifMatchOf(request) };
  return etagAnswer('schedule', await putSchedule(name, spec, options));
});

registerRoute('getSchedule', async (request) => {
  const { name } = parseParams(ScheduleParams, request.params);
  return etagAnswer('schedule', await readSchedule(name));
});

registerRoute('listSchedules', async () => ({ jsonBody: { value: await listSchedules() } }));

registerRoute('deleteSchedule', async (request) => {
  const { name } = parseParams(ScheduleParams, request.params);
  await deleteSchedule(name);
  return { status: 204 };
});
