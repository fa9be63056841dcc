/** The request target as the host's front door reads it. */

/**
 * The request's URL, or undefined when it cannot be one (the host answers 400): an unparsable target
 * or a path whose percent-encoding does not decode.
 */
export function parseRequestUrl(target: string | undefined, host: string | undefined): URL | undefined {
  try {
    const url = new URL(target ?? '/', `http://${host ?? 'localhost'}`);
    decodeURIComponent(url.pathname);
    return url;
  } catch {
    return undefined;
  }
}
