/** The machine a run measured on, as the report records and prints it (the machine may be shared). */
import * as os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  onnxruntime: string;
  platform: string;
  loadAverage: number[];
}

/** 1, 5 and 15 minute load averages, rounded. */
export function loadAverage(): number[] {
  return os.loadavg().map((n) => Math.round(n * 100) / 100);
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ort = require('onnxruntime-node/package.json') as { version: string };
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    onnxruntime: ort.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    loadAverage: loadAverage(),
  };
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}, onnxruntime-node ${m.onnxruntime}`;
}
