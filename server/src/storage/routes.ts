import { objectIdSchema, uploadResponseSchema } from '@commons/shared';
import { z } from 'zod';
import { actorOf } from '../forums/service.js';
import { readerOf } from '../site/viewer.js';
import { answered, routesFor } from '../http/route.js';
import { readOneFile } from './multipart.js';
import { toUpload, uploadMaxBytes, type UploadService } from './service.js';

const route = routesFor<{ uploads: UploadService }>('library');

/** `/api/uploads`: files for resources and stories (multipart in, bytes out). */
export const uploadRoutes = [
  route(
    {
      method: 'post',
      path: '/api/uploads',
      summary:
        'Upload a PDF or image (multipart/form-data, field "file", at most the site limit, 20 MB by default; type checked by content)',
      access: 'member',
      responses: { 201: uploadResponseSchema },
      errors: [400, 401, 413, 415, 429],
    },
    async ({ deps: { uploads }, member, req, res }) => {
      const file = await readOneFile(req, res, { field: 'file', maxBytes: await uploadMaxBytes() });
      const saved = await uploads.save(actorOf(member), { buffer: file.buffer, originalName: file.originalname });
      return { upload: toUpload(saved) };
    },
  ),
  route(
    {
      method: 'get',
      path: '/api/uploads/{id}',
      summary: 'An uploaded file (its bytes, with its content type)',
      access: 'publicFace',
      params: z.object({ id: objectIdSchema }),
      responses: { 200: z.any() },
      errors: [401, 404],
    },
    async ({ deps: { uploads }, params, res, req }) => {
      const { upload, stream, size } = await uploads.open(await readerOf(req, actorOf), params.id);
      res.setHeader('Content-Type', upload.mime);
      res.setHeader('Content-Length', String(size));
      // Served files never run as a page of ours.
      res.setHeader(
        'Content-Security-Policy',
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
      );
      res.setHeader('Cache-Control', 'private, max-age=86400');
      const disposition = upload.kind === 'image' ? 'inline' : 'attachment';
      res.setHeader('Content-Disposition', `${disposition}; filename*=UTF-8''${encodeURIComponent(upload.name)}`);
      stream.pipe(res);
      return answered;
    },
  ),
];
