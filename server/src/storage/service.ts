import { libraryLimits, type Upload } from '@commons/shared';
import { isValidObjectId, Types } from 'mongoose';
import type { Readable } from 'node:stream';
import { isModerator, type Actor } from '../members/actor.js';
import { AppError } from '../http/errors.js';
import type { Limiter } from '../http/rate-limit.js';
import { UploadModel, type UploadFields } from './model.js';
import { siteLimits } from '../site/settings.js';
import { sniff } from './sniff.js';
import type { Storage } from './storage.js';

export function toUpload(doc: UploadFields): Upload {
  const id = doc._id.toHexString();
  return { id, name: doc.name, mime: doc.mime, kind: doc.kind, size: doc.size, url: `/api/uploads/${id}` };
}

/** A display name safe to show and to put in a Content-Disposition header. */
function cleanName(name: string, extension: string): string {
  const base = name
    .normalize('NFC')
    .replace(/[^\p{L}\p{N} ._()-]+/gu, '_')
    .trim()
    .slice(0, 120);
  return base || `file.${extension}`;
}

/** Uploaded PDFs and images: checked by content, kept in a Storage, described in the store. */
export interface UploadServiceDeps {
  storage: Storage;
  /**
   * Whether a file is part of something every member may see (an approved resource, a published
   * story). Others are readable by their owner and moderators only.
   */
  isPublished?: (uploadId: Types.ObjectId) => Promise<boolean>;
  /** Uploads per member and hour; omitted: unlimited. */
  uploadLimiter?: Limiter;
}

/** The largest upload the site allows now (an administrator's limit, at most libraryLimits' ceiling). */
export async function uploadMaxBytes(): Promise<number> {
  return Math.min((await siteLimits()).libraryUploadMb * 1_048_576, libraryLimits.uploadMaxBytes);
}

export function createUploadService({ storage, isPublished, uploadLimiter }: UploadServiceDeps) {
  return {
    async save(actor: Actor, file: { buffer: Buffer; originalName: string }): Promise<UploadFields> {
      await uploadLimiter?.consume(actor.id);
      if (file.buffer.length === 0) throw new AppError('validation_failed', 'The file is empty.');
      const maxBytes = await uploadMaxBytes();
      if (file.buffer.length > maxBytes)
        throw new AppError('payload_too_large', `Files can be at most ${maxBytes / 1_048_576} MB.`);
      const type = sniff(file.buffer);
      if (!type)
        throw new AppError(
          'unsupported_media_type',
          'Only PDF documents and PNG, JPEG, GIF or WebP images are accepted.',
        );
      const _id = new Types.ObjectId();
      const key = `${_id.toHexString()}.${type.extension}`;
      await storage.put(key, file.buffer);
      const doc = await UploadModel.create({
        _id,
        ownerId: new Types.ObjectId(actor.id),
        key,
        name: cleanName(file.originalName, type.extension),
        mime: type.mime,
        kind: type.kind,
        size: file.buffer.length,
      });
      return doc.toObject();
    },

    async get(id: string): Promise<UploadFields> {
      const doc = isValidObjectId(id) ? await UploadModel.findById(id).lean<UploadFields>() : null;
      if (!doc) throw new AppError('not_found', 'No file with this id.');
      return doc;
    },

    async open(actor: Actor, id: string): Promise<{ upload: UploadFields; stream: Readable; size: number }> {
      const upload = await this.get(id);
      const mayRead =
        upload.ownerId.toHexString() === actor.id ||
        isModerator(actor) ||
        (isPublished ? await isPublished(upload._id) : true);
      if (!mayRead) throw new AppError('not_found', 'No file with this id.');
      const file = await storage.open(upload.key);
      if (!file) throw new AppError('not_found', 'No file with this id.');
      return { upload, ...file };
    },

    /** Removes a file (a rolled-back import, a rejected submission's owner deleting it). */
    async remove(id: string): Promise<void> {
      const doc = await UploadModel.findByIdAndDelete(id).lean<UploadFields>();
      if (doc) await storage.delete(doc.key);
    },
  };
}

export type UploadService = ReturnType<typeof createUploadService>;
