import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { errorResponseSchema } from '@commons/shared';
import { commonErrorStatuses } from './check.js';
import type { Operation } from './operation.js';
import type { z } from 'zod';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

const errorDescriptions: Record<number, string> = {
  400: 'Invalid input',
  401: 'Not signed in, or wrong credentials',
  403: 'Not allowed, or cross-site request',
  404: 'No such resource',
  409: 'Conflicts with the current state',
  413: 'Body too large',
  415: 'Body is not JSON',
  500: 'Unexpected failure (the requestId helps operators find it)',
  423: 'Locked',
  429: 'Too many requests (see Retry-After)',
  503: 'A dependency is unavailable (see Retry-After)',
};

/** Builds the OpenAPI 3.1 document from the operation lists of every domain. */
export function buildOpenApiDocument(
  operations: Operation[],
  info: { version: string; serverUrl: string },
): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'commons.sid' });
  for (const op of operations) {
    const responses: Record<string, { description: string; content?: Record<string, { schema: z.ZodType }> }> = {};
    for (const [status, schema] of Object.entries(op.responses)) {
      responses[status] = schema
        ? { description: 'Success', content: { [op.produces ?? 'application/json']: { schema } } }
        : { description: 'No content' };
    }
    for (const status of [...(op.errors ?? []), ...commonErrorStatuses(op)]) {
      responses[String(status)] = {
        description: errorDescriptions[status] ?? 'Error',
        content: { 'application/json': { schema: errorResponseSchema } },
      };
    }
    registry.registerPath({
      method: op.method,
      path: op.path,
      summary: op.summary,
      tags: [op.tag],
      ...(op.access === 'public'
        ? {}
        : op.access === 'publicFace'
          ? {
              // No session needed while the public face is open; a session when it is closed.
              security: [{}, { session: [] }],
              description:
                'Open to visitors while the public face is on (site setting `publicFace`); when it is off, to signed-in members only (a visitor gets 401 `members_only`).',
            }
          : { security: [{ session: [] }], description: `Requires a signed-in ${op.access}.` }),
      request: {
        ...(op.params ? { params: op.params } : {}),
        ...(op.query ? { query: op.query } : {}),
        ...(op.body ? { body: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
      },
      responses,
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Commons API',
      version: info.version,
      description:
        'The HTTP API of Commons. Mutations take JSON and, from browsers, a same-site Origin. Errors share one shape: `{ error: { code, message, details?, requestId } }`. The Socket.IO events are described at /api/socket-events.json and /api/docs/socket-events.',
    },
    servers: [{ url: info.serverUrl }],
  });
}
