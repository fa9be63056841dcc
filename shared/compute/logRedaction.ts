/**
 * Takes secrets out of a replica's console lines before they are kept or shown: the replica's own
 * secret settings by value (scorer key, connection strings), and anything shaped like a credential
 * (SAS `sig=`, `AccountKey=`, `SharedAccessKey=`, `Password=`, Bearer tokens) whoever printed it.
 */

export const REDACTED = '[REDACTED]';

/** Setting names whose values are secrets. */
const SECRET_NAME = /(KEY|SECRET|PASSWORD|TOKEN|CONNECTION|SAS|AzureWebJobsStorage$|_CREDENTIAL)/i;
/** Shorter values are too likely to appear as ordinary text (a port, `true`). */
const MIN_SECRET_LENGTH = 8;

const SHAPES: readonly RegExp[] = [
  /([?&]sig=)[^&\s"'<>]+/gi,
  /((?:AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)=)[^;\s"'<>]+/gi,
  /(\bBearer\s+)[A-Za-z0-9._~+/=-]+/gi,
  /((?:x-functions-key|api-key|x-api-key)["']?\s*[:=]\s*["']?)[^\s"',;]+/gi,
];

/** The values of `settings` that are secrets (by name), longest first so a secret's prefix never hides it. */
export function secretValuesOf(settings: Record<string, string | undefined>): string[] {
  const values = Object.entries(settings)
    .filter(([name, value]) => SECRET_NAME.test(name) && value !== undefined && value.length >= MIN_SECRET_LENGTH)
    .map(([, value]) => value as string);
  return [...new Set(values)].sort((a, b) => b.length - a.length);
}

/** `line` with every known secret and every credential-shaped value replaced by `[REDACTED]`. */
export function redactLine(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  for (const shape of SHAPES) out = out.replace(shape, `$1${REDACTED}`);
  return out;
}
