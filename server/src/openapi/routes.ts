import { createRequire } from 'node:module';
import path from 'node:path';
import express, { Router } from 'express';
import { buildOpenApiDocument } from './document.js';
import { allOperations } from './operations.js';

const swaggerUiDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Commons API reference</title><link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><main id="swagger-ui" aria-label="API reference"></main>
<script src="/api/docs/swagger-ui-bundle.js"></script><script src="/api/docs/init.js"></script></body></html>`;

const initScript = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true });`;

/** `GET /api/openapi.json` and the interactive reference at `/api/docs/`. */
export function openApiRoutes(opts: { publicUrl: string; version: string }): Router {
  const router = Router();
  const document = buildOpenApiDocument(allOperations, { version: opts.version, serverUrl: opts.publicUrl });
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  // Non-strict routing: this serves both /api/docs and /api/docs/.
  router.get('/docs', (_req, res) => {
    res.type('html').send(docsPage);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(initScript);
  });
  router.use('/docs', express.static(swaggerUiDir, { index: false, maxAge: '1d' }));
  return router;
}
