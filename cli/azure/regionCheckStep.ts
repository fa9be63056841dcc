/**
 * The first deploy step: the region offers Flex Consumption, and the serverless GPU profile asked
 * for (none with `--gpu none`), before anything is created.
 */
import type { DeployOptions, DeployStep, GpuChoice, StepCommand } from './deployStepTypes';

const GPU_PROFILE: Record<Exclude<GpuChoice, 'none'>, string> = {
  T4: 'Consumption-GPU-NC8as-T4',
  A100: 'Consumption-GPU-NC24-A100',
};

/** `az … -o tsv` names, compared without case or spaces. */
function lines(stdout: string): string[] {
  return stdout
    .split(/\r?\n/)
    .map((l) => l.trim().toLowerCase().replace(/\s+/g, ''))
    .filter(Boolean);
}

export function regionCheckStep(options: DeployOptions): DeployStep {
  const location = options.location;
  const regionChecks: StepCommand[] = [
    {
      program: 'az',
      args: ['functionapp', 'list-flexconsumption-locations', '--query', '[].name', '-o', 'tsv'],
      expect: {
        describe: `Flex Consumption is offered in ${location}`,
        test: (out) => lines(out).includes(location.toLowerCase().replace(/\s+/g, '')),
      },
    },
  ];
  if (options.gpu !== 'none') {
    const profile = GPU_PROFILE[options.gpu];
    regionChecks.push({
      program: 'az',
      args: [
        'containerapp',
        'env',
        'workload-profile',
        'list-supported',
        '-l',
        location,
        '--query',
        '[].name',
        '-o',
        'tsv',
      ],
      expect: {
        describe: `serverless GPU ${profile} is offered in ${location} (or pass --gpu none)`,
        test: (out) => lines(out).includes(profile.toLowerCase()),
      },
    });
  }
  return { title: 'Check the region offers Flex Consumption and the GPU asked for', commands: regionChecks };
}
