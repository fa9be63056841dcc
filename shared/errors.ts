/**
 * Sibyl's error vocabulary. Every client-facing failure is a `SibylError` with a stable `code`
 * (part of the public API: clients switch on it) whose HTTP status comes from one table.
 *
 * @example
 *   throw new SibylError('ModelNotFound', `Model 'iris' has no version 7.`);
 */
export const ERROR_STATUS = {
  InvalidInput: 400,
  InvalidModel: 400,
  ShapeMismatch: 400,
  DatatypeMismatch: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  ModelNotFound: 404,
  EnvironmentNotFound: 404,
  CodeNotFound: 404,
  EndpointNotFound: 404,
  DeploymentNotFound: 404,
  DatastoreNotFound: 404,
  JobNotFound: 404,
  RunNotFound: 404,
  PipelineNotFound: 404,
  ScheduleNotFound: 404,
  MonitorNotFound: 404,
  MethodNotAllowed: 405,
  Timeout: 408,
  Conflict: 409,
  ModelIntegrity: 409,
  PreconditionFailed: 412,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  TooManyRequests: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail {
  /** What the detail is about: an input name, a field path, a row. */
  target?: string;
  message: string;
}

export class SibylError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    /** Extra response headers, e.g. `Retry-After`. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'SibylError';
    this.status = ERROR_STATUS[code];
  }
}

/**
 * The app's settings are invalid or unresolved (a Key Vault reference not resolved yet): a 503 whose
 * answer names the settings, never their values, so an operator knows what to fix; the full problems
 * go to the log and to `health/ready`.
 */
export class SettingsError extends SibylError {
  /** The names of the settings at fault, in the order their problems were found. */
  readonly settings: string[];

  constructor(readonly problems: readonly string[]) {
    super('ServiceUnavailable', `Sibyl's configuration is invalid: ${problems.join(' ')}`);
    this.name = 'SettingsError';
    // Every problem sentence starts with the setting it is about.
    this.settings = [
      ...new Set(problems.map((p) => /^[A-Za-z_][A-Za-z0-9_]*/.exec(p)?.[0]).filter((n): n is string => !!n)),
    ];
  }
}

/** The documented error body: `{"error": {"code", "message", "details"?}}`. */
export interface ErrorBody {
  error: { code: string; message: string; details?: ErrorDetail[] };
}

/**
 * Turns anything thrown into a status and body. Client faults keep their message; a 5xx keeps its code
 * and headers (`Retry-After`) but answers a generic message naming the request id, so no setting name,
 * stack or internal path reaches a client: the caller logs the detail.
 */
export function toErrorBody(
  error: unknown,
  requestId: string,
): { status: number; body: ErrorBody; headers: Record<string, string>; isClientFault: boolean } {
  if (error instanceof SettingsError) {
    const names = error.settings.join(', ');
    const message =
      `Sibyl cannot serve until these settings are fixed: ${names} ` +
      `(details in health/ready and the log; request id ${requestId}).`;
    return {
      status: error.status,
      body: { error: { code: error.code, message } },
      headers: error.headers ?? {},
      isClientFault: false,
    };
  }
  if (error instanceof SibylError && error.status >= 500) {
    const message =
      error.status === 503
        ? `The service is temporarily unavailable; try again shortly. Quote request id ${requestId} if it persists.`
        : `An unexpected error occurred. Quote request id ${requestId} when reporting it.`;
    return {
      status: error.status,
      body: { error: { code: error.code, message } },
      headers: error.headers ?? {},
      isClientFault: false,
    };
  }
  if (error instanceof SibylError) {
    const body: ErrorBody = {
      error: { code: error.code, message: error.message, ...(error.details?.length ? { details: error.details } : {}) },
    };
    return { status: error.status, body, headers: error.headers ?? {}, isClientFault: error.status < 500 };
  }
  return {
    status: 500,
    body: {
      error: {
        code: 'InternalError',
        message: `An unexpected error occurred. Quote request id ${requestId} when reporting it.`,
      },
    },
    headers: {},
    isClientFault: false,
  };
}
