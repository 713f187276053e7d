import type { MemberRef, Resource } from '@commons/shared';
import type { Actor } from '../members/actor.js';
import { isModerator } from '../members/actor.js';
import type { UploadFields } from '../storage/reads.js';
import type { MarkKind } from './model.js';
import type { ReadableResource } from './read-rule.js';

export interface PresentContext {
  refs: Map<string, MemberRef>;
  files: Map<string, UploadFields>;
  /** The viewer's marks, by resource id. */
  marks: Map<string, Set<MarkKind>>;
}

/** Only a resource that passed the read rule (read-rule.ts) can be shown. */
export function toResource(doc: ReadableResource, viewer: Actor, ctx: PresentContext): Resource {
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
