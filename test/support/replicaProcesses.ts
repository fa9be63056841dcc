/** Replica processes of the local compute provider, found by their title (`sibyl-scorer <endpoint>/<deployment>`). */
import { execFileSync } from 'node:child_process';

export function replicaPids(app: string): number[] {
  const table = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return table
    .split('\n')
    .filter((line) => line.includes(`sibyl-scorer ${app}`) && !line.includes(' ps '))
    .map((line) => Number(line.trim().split(/\s+/, 1)[0]))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}
