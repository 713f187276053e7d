import { errorCodes, type ErrorCode } from '@commons/shared';
import { retryDelay } from './realtime/retry.js';

/** Codes an ApiError can carry: the server's, plus one for requests that never got an answer. */
export type ClientErrorCode = ErrorCode | 'network_error';

export type FieldErrors = Record<string, string[]>;

const knownCodes: ReadonlySet<string> = new Set<string>([...errorCodes, 'network_error']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ClientErrorCode,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
    /** The server's Retry-After, in seconds, when it said when to come back. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** `details.fieldErrors` of a validation failure, if any. */
  get fieldErrors(): FieldErrors {
    if (!isRecord(this.details) || !isRecord(this.details.fieldErrors)) return {};
    const out: FieldErrors = {};
    for (const [field, messages] of Object.entries(this.details.fieldErrors)) {
      if (Array.isArray(messages)) out[field] = messages.filter((m): m is string => typeof m === 'string');
    }
    return out;
  }
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'payload_too_large';
  if (status === 429) return 'rate_limited';
  if (status === 502 || status === 503 || status === 504) return 'service_unavailable';
  if (status >= 400 && status < 500) return 'bad_request';
  return 'internal';
}

/** Turns a failed response into an ApiError, reading `{error:{code,message,details?}}` when present. */
async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = isRecord(body) ? body.error : undefined;
  const retryAfter = Number(response.headers.get('Retry-After') ?? NaN);
  const retryAfterS = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined;
  if (isRecord(error) && typeof error.code === 'string') {
    const code = knownCodes.has(error.code) ? (error.code as ClientErrorCode) : codeForStatus(response.status);
    const message = typeof error.message === 'string' ? error.message : response.statusText;
    const requestId = typeof error.requestId === 'string' ? error.requestId : undefined;
    return new ApiError(response.status, code, message, error.details, requestId, retryAfterS);
  }
  return new ApiError(
    response.status,
    codeForStatus(response.status),
    response.statusText,
    undefined,
    undefined,
    retryAfterS,
  );
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * How often a read that met a passing outage (the server answered 502/503/504, or nothing came
 * back) is sent again before the page shows the error. A read changes nothing, so sending it again
 * is safe; a write is not sent twice, since the first may have landed.
 */
const READ_RETRIES = 2;
/** A Retry-After longer than this is not waited for: the page shows the error and its own retry. */
const READ_RETRY_MAX_MS = 10_000;

function isPassingFailure(error: ApiError): boolean {
  return error.code === 'network_error' || error.status === 502 || error.status === 503 || error.status === 504;
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DOMException('Aborted', 'AbortError'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(new DOMException('Aborted', 'AbortError'));
    };
    signal?.addEventListener('abort', stop, { once: true });
  });
}

/**
 * Calls the same-origin JSON API. Resolves with the parsed body (undefined for 204),
 * rejects with an ApiError. A GET that meets a passing outage is sent again (READ_RETRIES).
 */
export async function request<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await requestOnce<T>(method, path, body, signal);
    } catch (error) {
      if (method !== 'GET' || attempt >= READ_RETRIES || !(error instanceof ApiError) || !isPassingFailure(error))
        throw error;
      const serverWaitMs = (error.retryAfterS ?? 0) * 1_000;
      if (serverWaitMs > READ_RETRY_MAX_MS) throw error;
      // What the server asked for and up to half as long again, so that the pages refused together
      // do not all come back together; without a Retry-After, a doubling wait from 1 s.
      const wait =
        serverWaitMs > 0
          ? serverWaitMs * (1 + Math.random() / 2)
          : retryDelay(attempt, { minMs: 1_000, maxMs: READ_RETRY_MAX_MS });
      await pause(wait, signal);
    }
  }
}

async function requestOnce<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (signal) init.signal = signal;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network_error', cause instanceof Error ? cause.message : 'network error');
  }
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(response.status, 'internal', 'response is not JSON');
  }
}

/** Sends one file as multipart/form-data (the API's one non-JSON request). */
export async function postFile<T>(path: string, file: File): Promise<T> {
  const form = new FormData();
  form.append('file', file);
  let response: Response;
  try {
    response = await fetch(path, { method: 'POST', body: form, credentials: 'same-origin' });
  } catch (cause) {
    throw new ApiError(0, 'network_error', cause instanceof Error ? cause.message : 'network error');
  }
  const body = (await response.json().catch(() => undefined)) as
    { error?: { code?: string; message?: string; details?: unknown } } | undefined;
  if (!response.ok) {
    const error = body?.error;
    const code = (error?.code ?? (response.status === 413 ? 'payload_too_large' : 'internal')) as ApiError['code'];
    throw new ApiError(response.status, code, error?.message ?? response.statusText, error?.details);
  }
  return body as T;
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, undefined, signal),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
};

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}
