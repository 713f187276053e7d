import { createRequire } from 'node:module';
import path from 'node:path';
import express, { Router } from 'express';
import { escapeHtml } from '../text/html.js';
import { z } from 'zod';
import { answered, routesFor } from '../http/route.js';
import { socketEventsDocument } from '../realtime/events.js';
import type { OpenApiDocument } from './document.js';

const swaggerUiDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Commons API reference</title><link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><main id="swagger-ui" aria-label="API reference"></main>
<script src="/api/docs/swagger-ui-bundle.js"></script><script src="/api/docs/init.js"></script></body></html>`;

const initScript = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true });`;

const socketEventsDocSchema = z.object({
  title: z.string(),
  description: z.string(),
  events: z.array(
    z.object({
      name: z.string(),
      direction: z.enum(['client-to-server', 'server-to-client']),
      group: z.string().nullable(),
      summary: z.string().nullable(),
      sender: z.string().nullable(),
      payload: z.string().nullable(),
      schema: z.unknown(),
      ack: z.string().nullable(),
    }),
  ),
});
type SocketEventsDoc = z.infer<typeof socketEventsDocSchema>;

function socketEventsPage(doc: SocketEventsDoc): string {
  const rows = (direction: string) =>
    doc.events
      .filter((e) => e.direction === direction)
      .map(
        (e) =>
          `<tr><th scope="row"><code>${escapeHtml(e.name)}</code></th><td>${escapeHtml(e.group ?? '')}</td><td><code>${escapeHtml(e.payload ?? '')}</code></td>${
            direction === 'client-to-server' ? `<td><code>${escapeHtml(e.ack ?? '')}</code></td>` : ''
          }</tr>`,
      )
      .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(doc.title)}</title></head><body><main><h1>${escapeHtml(doc.title)}</h1><p>${escapeHtml(doc.description)}</p>
<p><a href="/api/socket-events.json">JSON</a> · <a href="/api/docs/">HTTP API reference</a></p>
<h2>Commands (client → server)</h2><table><thead><tr><th scope="col">event</th><th scope="col">area</th><th scope="col">payload</th><th scope="col">acknowledgement data</th></tr></thead><tbody>${rows('client-to-server')}</tbody></table>
<h2>Facts (server → client)</h2><table><thead><tr><th scope="col">event</th><th scope="col">area and room</th><th scope="col">payload</th></tr></thead><tbody>${rows('server-to-client')}</tbody></table>
</main></body></html>`;
}

const route = routesFor<{ document: OpenApiDocument }>('operations');

/** The two machine-readable descriptions, served before the API's middleware. */
export const documentRoutes = [
  route(
    {
      method: 'get',
      path: '/api/openapi.json',
      summary: 'This OpenAPI 3.1 document (an interactive reference is at /api/docs/)',
      access: 'public',
      bare: true,
      responses: { 200: z.object({ openapi: z.string() }).loose() },
    },
    ({ deps }) => deps.document,
  ),
  route(
    {
      method: 'get',
      path: '/api/socket-events.json',
      summary:
        'The Socket.IO events: commands with their payload and acknowledgement, facts with their payload (page: /api/docs/socket-events)',
      access: 'public',
      bare: true,
      responses: { 200: socketEventsDocSchema },
    },
    () => socketEventsDocument(),
  ),
  // The pages that show them: routes like any other (so the matrices and the fuzz see them).
  route(
    {
      method: 'get',
      // Non-strict routing: this serves both /api/docs and /api/docs/.
      path: '/api/docs',
      summary: 'The interactive reference of this API (a page)',
      access: 'public',
      bare: true,
      produces: 'text/html',
      responses: { 200: z.string() },
    },
    ({ res }) => {
      res.type('html').send(docsPage);
      return answered;
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/docs/init.js',
      summary: 'The script that starts the interactive reference',
      access: 'public',
      bare: true,
      produces: 'application/javascript',
      responses: { 200: z.string() },
    },
    ({ res }) => {
      res.type('application/javascript').send(initScript);
      return answered;
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/docs/socket-events',
      summary: 'The Socket.IO events (a page)',
      access: 'public',
      bare: true,
      produces: 'text/html',
      responses: { 200: z.string() },
    },
    ({ res }) => {
      res.type('html').send(socketEventsPage(socketEventsDocument()));
      return answered;
    },
  ),
];

/** The interactive reference's own files (Swagger UI's scripts and styles), before the API's routes. */
export function docsPages(): Router {
  const router = Router();
  router.use('/docs', express.static(swaggerUiDir, { index: false, maxAge: '1d' }));
  return router;
}
