import { libraryLimits } from '@commons/shared';
import { Router } from 'express';
import { currentMember } from '../auth/routes.js';
import { actorOf } from '../forums/service.js';
import { readOneFile } from './multipart.js';
import { toUpload, type UploadService } from './service.js';

export function uploadRoutes(uploads: UploadService): Router {
  const router = Router();

  router.post('/uploads', async (req, res) => {
    const actor = actorOf(currentMember(req));
    const file = await readOneFile(req, res, { field: 'file', maxBytes: libraryLimits.uploadMaxBytes });
    const saved = await uploads.save(actor, { buffer: file.buffer, originalName: file.originalname });
    res.status(201).json({ upload: toUpload(saved) });
  });

  router.get('/uploads/:id', async (req, res) => {
    const actor = actorOf(currentMember(req));
    const { upload, stream, size } = await uploads.open(actor, req.params.id);
    res.setHeader('Content-Type', upload.mime);
    res.setHeader('Content-Length', String(size));
    // Served files never run as a page of ours.
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'");
    res.setHeader('Cache-Control', 'private, max-age=86400');
    const disposition = upload.kind === 'image' ? 'inline' : 'attachment';
    res.setHeader('Content-Disposition', `${disposition}; filename*=UTF-8''${encodeURIComponent(upload.name)}`);
    stream.pipe(res);
  });

  return router;
}
