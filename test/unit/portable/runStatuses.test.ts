import { RunStatus } from '../../../shared/api/schemas';
import { RUN_STATUSES, isTerminalStatus } from '../../../shared/portable/runStatuses';
import { canMove } from '../../../shared/workspace/runDocuments';

describe('run statuses', () => {
  it('are the states the API schema accepts', () => {
    expect(RunStatus.enum).toEqual([...RUN_STATUSES]);
  });

  it('Completed, Failed and Canceled are final; a final run never moves', () => {
    expect(RUN_STATUSES.filter(isTerminalStatus)).toEqual(['Completed', 'Failed', 'Canceled']);
    expect(isTerminalStatus('Paused')).toBe(false);
    for (const from of RUN_STATUSES.filter(isTerminalStatus))
      for (const to of RUN_STATUSES) expect(canMove(from, to)).toBe(false);
    expect(canMove('Queued', 'Running')).toBe(true);
  });
});
