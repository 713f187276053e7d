import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { AppError } from './errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Security headers, with a CSP that allows only our own scripts, styles and sockets. */
export function securityHeaders(opts: { production: boolean }): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'font-src': ["'self'"],
        'object-src': ["'none'"],
        'frame-ancestors': ["'none'"],
        'form-action': ["'self'"],
        'upgrade-insecure-requests': opts.production ? [] : null,
      },
    },
    strictTransportSecurity: opts.production,
    crossOriginEmbedderPolicy: false,
  });
}

/**
 * CSRF defence for cookie sessions: every mutation must be JSON (which a cross-site form cannot
 * send without a CORS preflight) and, when the browser says where it comes from, come from our origin.
 */
export function requireJsonAndSameOrigin(
  allowedOrigins: readonly string[],
  opts: {
    /**
     * Paths (inside the router) that also take `multipart/form-data` POSTs: file uploads. A
     * cross-site form can send multipart without a preflight, so these must carry our Origin.
     */
    multipartPaths?: readonly string[];
  } = {},
): RequestHandler {
  const allowed = new Set(allowedOrigins);
  const multipartPaths = new Set(opts.multipartPaths ?? []);
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.get('origin');
    if (origin !== undefined && !isAllowedOrigin(origin, req.get('host'), allowed)) {
      return next(new AppError('forbidden_origin', 'Cross-site requests are not allowed.'));
    }
    if (origin === undefined && req.get('sec-fetch-site') === 'cross-site') {
      return next(new AppError('forbidden_origin', 'Cross-site requests are not allowed.'));
    }
    if (req.method === 'POST' && multipartPaths.has(req.path) && req.is('multipart/form-data')) {
      if (origin === undefined) return next(new AppError('forbidden_origin', 'Uploads must come from this site.'));
      return next();
    }
    const hasBody = req.get('content-length') !== undefined && req.get('content-length') !== '0';
    if ((hasBody || req.get('transfer-encoding')) && !req.is('application/json')) {
      return next(new AppError('unsupported_media_type', 'Send the request body as application/json.'));
    }
    next();
  };
}

/** Whether a browser's Origin may act on this API: ours (PUBLIC_URL and the dev client) or the same host. */
export function isAllowedOrigin(origin: string, host: string | undefined, allowed: ReadonlySet<string>): boolean {
  return allowed.has(origin) || isSameHost(origin, host);
}

function isSameHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
