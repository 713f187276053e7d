import type { Request, Response } from 'express';
import multer from 'multer';
import { AppError } from '../http/errors.js';

/**
 * Reads one file field of a multipart body into memory (at most `maxBytes`). Multipart is the
 * API's one non-JSON mutation; the CSRF check lets it through on these routes only, same-origin.
 */
export function readOneFile(
  req: Request,
  res: Response,
  opts: { field: string; maxBytes: number },
): Promise<Express.Multer.File> {
  const handler = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: opts.maxBytes, files: 1, fields: 10, parts: 12 },
  }).single(opts.field);
  return new Promise((resolve, reject) => {
    if (!req.is('multipart/form-data')) {
      reject(new AppError('unsupported_media_type', 'Send the file as multipart/form-data.'));
      return;
    }
    handler(req, res, (err: unknown) => {
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE')
          reject(
            new AppError('payload_too_large', `The file is larger than ${Math.round(opts.maxBytes / 1048576)} MB.`),
          );
        else reject(new AppError('bad_request', `The upload could not be read (${err.code}).`));
        return;
      }
      if (err) {
        reject(new AppError('bad_request', 'The upload could not be read.'));
        return;
      }
      if (!req.file) {
        reject(
          new AppError('validation_failed', 'Choose a file to upload.', {
            fieldErrors: { [opts.field]: ['required'] },
            formErrors: [],
          }),
        );
        return;
      }
      resolve(req.file);
    });
  });
}
