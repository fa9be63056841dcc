/** Reading local input: a file, or stdin for `-`. A missing or unreadable file is a usage error. */
import * as fs from 'node:fs';
import { UsageError } from './cliErrors';

/** The bytes of `file`, or of stdin when `file` is `-`. */
export async function readBytes(file: string): Promise<Buffer> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
  try {
    return await fs.promises.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT'
        ? `no such file: ${file}`
        : code === 'EISDIR'
          ? `${file} is a folder; give a file.`
          : `cannot read ${file}: ${(error as Error).message}`,
    );
  }
}

/** The text of `file` (UTF-8), or of stdin for `-`. */
export async function readText(file: string): Promise<string> {
  return (await readBytes(file)).toString('utf8').replace(/^\uFEFF/, '');
}
