/**
 * Sidecar mode (a custom image beside the scorer in Azure): the scorer downloads the model and the code
 * asset into the volume both containers mount (`SIBYL_SCORER_SIDECAR_DIR`), then publishes each at a fixed
 * path the user's container knows from its settings (`model`, `code`: shared/compute/azure/scorerAppSidecar.ts).
 * Each appears complete or not at all: a link renamed into place, pointing into the scorer's verified cache
 * (relative, so it resolves the same in both containers). `ready` is written last.
 */
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

export interface SidecarFiles {
  /** The model's folder, downloaded and checked. */
  model?: string;
  /** The code asset's folder, downloaded and checked. */
  code?: string;
}

export const SIDECAR_READY_FILE = 'ready';

async function linkInPlace(link: string, target: string): Promise<void> {
  const temp = `${link}.${process.pid}.tmp`;
  await rm(temp, { force: true });
  await symlink(relative(dirname(link), target), temp);
  await rename(temp, link);
}

export async function publishForSidecar(dir: string, files: SidecarFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  const published: Record<string, string> = {};
  const entries: [string, string | undefined][] = [
    ['model', files.model],
    ['code', files.code],
  ];
  for (const [name, target] of entries) {
    if (!target) continue;
    await linkInPlace(join(dir, name), target);
    published[name] = join(dir, name);
  }
  const ready = join(dir, SIDECAR_READY_FILE);
  await writeFile(`${ready}.tmp`, `${JSON.stringify(published)}\n`);
  await rename(`${ready}.tmp`, ready);
}
