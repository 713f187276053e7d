import type { ErrorCode, ErrorResponse } from '@commons/shared';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ZodError } from 'zod';
import { isStoreUnavailable } from '../infra/db.js';
import type { Logger } from '../infra/log.js';

const statusByCode: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  weak_password: 400,
  invalid_token: 400,
  unsupported_media_type: 415,
  forbidden_origin: 403,
  unauthenticated: 401,
  members_only: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  email_taken: 409,
  payload_too_large: 413,
  rate_limited: 429,
  thread_locked: 423,
  lab_closed: 409,
  event_closed: 409,
  member_silenced: 403,
  member_suspended: 403,
  email_unverified: 403,
  registration_closed: 403,
  registration_pending: 403,
  invitation_withdrawn: 400,
  service_unavailable: 503,
  internal: 500,
};

/** A failure the caller should see: a code, a human message and optional details. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = statusByCode[code];
  }
}

export function validationError(error: ZodError): AppError {
  const fieldErrors: Record<string, string[]> = {};
  const formErrors: string[] = [];
  for (const issue of error.issues) {
    const key = issue.path.join('.');
    if (key) (fieldErrors[key] ??= []).push(issue.message);
    else formErrors.push(issue.message);
  }
  return new AppError('validation_failed', 'Some fields are missing or invalid.', { fieldErrors, formErrors });
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => {
  next(new AppError('not_found', 'No such endpoint.'));
};

/** A dependency (the store or Redis) is unreachable or did not answer in time: worth retrying soon. */
export function isDependencyDown(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (
    isStoreUnavailable(err) ||
    err.name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|Stream isn't writeable|ECONNREFUSED|Command timed out/.test(err.message)
  );
}

/** The 503 every unreachable dependency turns into, with the same Retry-After. */
export function dependencyDownError(): AppError {
  return new AppError(
    'service_unavailable',
    'A service the platform needs is unavailable; try again shortly.',
    undefined,
    5,
  );
}

/** How often requests answered 503 for a dependency are summed up in the log (one line, not one per request). */
const DEPENDENCY_LOG_EVERY_MS = 10_000;

/** Turns anything thrown into the one error shape; stack traces stay in the log. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  let downSince: { at: number; count: number } | null = null;
  // Which dependency failed and where, for an operator (and a fault run) to tell 503s apart.
  const noteDown = (err: Error, path: string) => {
    const now = Date.now();
    if (downSince && now - downSince.at < DEPENDENCY_LOG_EVERY_MS) return void downSince.count++;
    log.warn({ err, path, answered503Before: downSince?.count ?? 0 }, 'a dependency did not answer: 503');
    downSince = { at: now, count: 0 };
  };
  return (err: unknown, req, res, _next) => {
    const requestId = String(req.id ?? '');
    let appError: AppError;
    if (err instanceof AppError) appError = err;
    else if (isBodyParserError(err)) appError = fromBodyParser(err);
    else if (isDependencyDown(err)) {
      noteDown(
        err as Error,
        req.route ? `${req.method} ${String(req.baseUrl)}${String((req.route as { path: string }).path)}` : req.method,
      );
      appError = dependencyDownError();
    } else {
      log.error({ err, requestId }, 'unhandled error');
      appError = new AppError('internal', 'Something went wrong on our side.');
    }
    // The answer is out already (express-session saves after the response and reports a Redis
    // failure then): setting a header now would throw inside the error handler itself.
    if (res.headersSent) return;
    if (appError.retryAfterSeconds) res.setHeader('Retry-After', String(appError.retryAfterSeconds));
    const body: ErrorResponse = {
      error: {
        code: appError.code,
        message: appError.message,
        ...(appError.details === undefined ? {} : { details: appError.details }),
        ...(requestId ? { requestId } : {}),
      },
    };
    res.status(appError.status).json(body);
  };
}

interface BodyParserError {
  type: string;
  status: number;
}
function isBodyParserError(err: unknown): err is BodyParserError {
  return typeof err === 'object' && err !== null && 'type' in err && 'status' in err;
}
function fromBodyParser(err: BodyParserError): AppError {
  if (err.type === 'entity.too.large') return new AppError('payload_too_large', 'The request body is too large.');
  if (err.type === 'entity.parse.failed') return new AppError('bad_request', 'The request body is not valid JSON.');
  return new AppError('bad_request', 'The request body could not be read.');
}
