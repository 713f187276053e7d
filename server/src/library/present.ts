import type { MemberRef, Resource } from '@commons/shared';
import type { Actor } from '../forums/policy.js';
import { isModerator } from '../forums/policy.js';
import type { UploadFields } from '../storage/model.js';
import type { MarkKind, ResourceFields } from './model.js';

export interface PresentContext {
  refs: Map<string, MemberRef>;
  files: Map<string, UploadFields>;
  /** The viewer's marks, by resource id. */
  marks: Map<string, Set<MarkKind>>;
}

export function toResource(doc: ResourceFields, viewer: Actor, ctx: PresentContext): Resource {
  const id = doc._id.toHexString();
  const submittedById = doc.submittedById.toHexString();
  const file = doc.fileId ? ctx.files.get(doc.fileId.toHexString()) : undefined;
  const marks = ctx.marks.get(id);
  const seesReview = submittedById === viewer.id || isModerator(viewer);
  return {
    id,
    title: doc.title,
    summary: doc.summary,
    url: doc.url,
    file: file
      ? {
          id: file._id.toHexString(),
          name: file.name,
          mime: file.mime,
          size: file.size,
          url: `/api/uploads/${file._id.toHexString()}`,
        }
      : null,
    type: doc.type,
    topics: doc.topics,
    audiences: doc.audiences,
    language: doc.language,
    organisation: doc.organisation,
    status: doc.status,
    submittedBy: ctx.refs.get(submittedById) ?? null,
    reviewNote: seesReview ? doc.reviewNote : null,
    threadId: doc.threadId ? doc.threadId.toHexString() : null,
    featured: doc.featured,
    saveCount: doc.saveCount,
    usefulCount: doc.usefulCount,
    saved: marks?.has('save') ?? false,
    markedUseful: marks?.has('useful') ?? false,
    createdAt: doc.createdAt.toISOString(),
    approvedAt: doc.approvedAt ? doc.approvedAt.toISOString() : null,
  };
}
