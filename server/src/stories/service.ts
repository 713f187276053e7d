import type { Story, StoryCreateBody, StoryListQuery, StoryPatchBody, StorySummary } from '@commons/shared';
import mongoose, { Types } from 'mongoose';
import { z } from 'zod';
import { cursorField, decodeCursor, encodeCursor } from '../http/cursor.js';
import { htmlToText } from '../forums/markdown.js';
import { loadMemberRefs } from '../forums/mentions.js';
import { isAdmin, type Actor } from '../members/actor.js';
import type { ForumService } from '../forums/service.js';
import { AppError } from '../http/errors.js';
import type { Limiter } from '../http/rate-limit.js';
import type { Logger } from '../infra/log.js';
import { openDiscussionThread } from '../library/discussion.js';
import { escapeRegex, parseQuery, termsFilter, termsOf } from '../search/terms.js';
import { ownUploads } from '../storage/reads.js';
import { renderStory } from './markdown.js';
import { readableStories, readableStory, readableStoryOr404, type ReadableStory } from './read-rule.js';
import { StoryModel, type StoryFields } from './model.js';
import { assertMayPublish } from '../moderation/publishing.js';

const { trusted } = mongoose;

const cursorSchema = z.object({ at: cursorField.time(), id: cursorField.id() }).strict();

function excerptOf(html: string): string {
  const text = htmlToText(html).replace(/\s+/g, ' ').trim();
  return text.length > 240 ? `${text.slice(0, 239)}…` : text;
}

export interface StoryServiceDeps {
  log?: Logger;
  /** Opens discussion threads (an instance without the members' posting budget). */
  forums: ForumService;
  /** Stories per member and hour; omitted: unlimited. */
  publishLimiter?: Limiter;
}

/** Member stories of local innovation: Markdown with their own images, a thread each; admins feature them. */
export function createStoryService(deps: StoryServiceDeps) {
  async function summaries(docs: ReadableStory[]): Promise<Map<string, StorySummary>> {
    const refs = await loadMemberRefs(docs.map((d) => d.authorId));
    return new Map(
      docs.map((d) => [
        d._id.toHexString(),
        {
          id: d._id.toHexString(),
          title: d.title,
          excerpt: d.excerpt,
          community: d.community,
          topics: d.topics,
          author: refs.get(d.authorId.toHexString()) ?? null,
          featured: d.featured,
          threadId: d.threadId ? d.threadId.toHexString() : null,
          createdAt: d.createdAt.toISOString(),
        },
      ]),
    );
  }

  async function present(doc: ReadableStory): Promise<Story> {
    const summary = (await summaries([doc])).get(doc._id.toHexString())!;
    return { ...summary, body: doc.body, bodyHtml: doc.html };
  }

  async function listDocs(viewer: Actor, filter: Record<string, unknown>, limit: number): Promise<StorySummary[]> {
    const docs = readableStories(
      viewer,
      await StoryModel.find(filter, { body: 0, html: 0, terms: 0 })
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit)
        .lean<StoryFields[]>(),
    );
    const map = await summaries(docs);
    return docs.map((d) => map.get(d._id.toHexString())!);
  }

  /** Stories show only images their author uploaded. */
  async function assertOwnImages(author: { id: string }, imageIds: string[]): Promise<void> {
    if (imageIds.length === 0) return;
    const unique = [...new Set(imageIds)];
    const own = await ownUploads(author.id, unique, 'image');
    if (own.size !== unique.length)
      throw new AppError('validation_failed', 'Stories can show only images you uploaded.', {
        fieldErrors: { body: ['unknown image'] },
        formErrors: [],
      });
  }

  function assertAuthorOrAdmin(actor: Actor, doc: StoryFields, what: 'edit' | 'delete'): void {
    if (doc.authorId.toHexString() === actor.id || isAdmin(actor)) return;
    throw new AppError('forbidden', `Only the author or an administrator can ${what} this story.`);
  }

  /** Opens the story's discussion thread (a failure leaves the story without one). */
  async function afterPublish(actor: Actor, doc: StoryFields): Promise<Story> {
    const id = doc._id.toHexString();
    try {
      const threadId = await openDiscussionThread(deps.forums, actor, {
        topics: doc.topics,
        title: doc.title,
        body: `${doc.excerpt}\n\n[Read the story](/stories/${id})`,
      });
      if (threadId) {
        doc.threadId = new Types.ObjectId(threadId);
        await StoryModel.updateOne({ _id: doc._id }, { $set: { threadId: doc.threadId } });
      }
    } catch (err) {
      deps.log?.warn({ err, storyId: id }, 'opening the story thread failed');
    }
    return present(readableStory(actor, doc));
  }

  return {
    async publish(actor: Actor, body: StoryCreateBody): Promise<Story> {
      await assertMayPublish(actor);
      const rendered = renderStory(body.body);
      await assertOwnImages(actor, rendered.imageIds);
      await deps.publishLimiter?.consume(actor.id);
      const doc = (
        await StoryModel.create({
          title: body.title,
          body: body.body,
          html: rendered.html,
          excerpt: excerptOf(rendered.html),
          community: body.community,
          topics: body.topics,
          authorId: new Types.ObjectId(actor.id),
          imageIds: [...new Set(rendered.imageIds)].map((i) => new Types.ObjectId(i)),
          terms: termsOf(body.title, body.community, htmlToText(rendered.html)),
        })
      ).toObject() as StoryFields;
      return afterPublish(actor, doc);
    },

    /** Its author or an administrator edits a story (images: the author's own uploads). */
    async update(actor: Actor, id: string, patch: StoryPatchBody): Promise<Story> {
      await assertMayPublish(actor);
      const doc = await readableStoryOr404(actor, id);
      assertAuthorOrAdmin(actor, doc, 'edit');
      const next = {
        title: patch.title ?? doc.title,
        body: patch.body ?? doc.body,
        community: patch.community ?? doc.community,
        topics: patch.topics ?? doc.topics,
      };
      const rendered = renderStory(next.body);
      await assertOwnImages({ id: doc.authorId.toHexString() }, rendered.imageIds);
      const updated = await StoryModel.findOneAndUpdate(
        { _id: doc._id },
        {
          $set: {
            ...next,
            html: rendered.html,
            excerpt: excerptOf(rendered.html),
            imageIds: [...new Set(rendered.imageIds)].map((i) => new Types.ObjectId(i)),
            terms: termsOf(next.title, next.community, htmlToText(rendered.html)),
          },
        },
        { returnDocument: 'after' },
      ).lean<StoryFields>();
      return present(readableStory(actor, updated));
    },

    /** Its author or an administrator deletes a story (its discussion thread stays in the forums). */
    async remove(actor: Actor, id: string): Promise<void> {
      const doc = await readableStoryOr404(actor, id);
      assertAuthorOrAdmin(actor, doc, 'delete');
      await StoryModel.deleteOne({ _id: doc._id });
    },

    async get(viewer: Actor, id: string): Promise<Story> {
      return present(await readableStoryOr404(viewer, id));
    },

    async list(viewer: Actor, query: StoryListQuery): Promise<{ stories: StorySummary[]; nextCursor: string | null }> {
      const and: Array<Record<string, unknown>> = [];
      if (query.q) {
        const parsed = parseQuery(query.q);
        if (!parsed.last) return { stories: [], nextCursor: null };
        and.push(termsFilter(parsed));
      }
      if (query.topic) and.push({ topics: query.topic });
      if (query.community) and.push({ community: new RegExp(`^${escapeRegex(query.community)}$`, 'i') });
      if (query.featured) and.push({ featured: query.featured === 'true' });
      if (query.authorId) and.push({ authorId: new Types.ObjectId(query.authorId) });
      if (query.cursor) {
        const c = decodeCursor(cursorSchema, query.cursor);
        const at = new Date(c.at);
        and.push({
          $or: [
            { createdAt: trusted({ $lt: at }) },
            { createdAt: at, _id: trusted({ $lt: new Types.ObjectId(c.id) }) },
          ],
        });
      }
      const docs = await StoryModel.find(and.length ? { $and: and } : {}, { body: 0, html: 0, terms: 0 })
        .sort({ createdAt: -1, _id: -1 })
        .limit(query.limit + 1)
        .lean<StoryFields[]>();
      const page = readableStories(viewer, docs.slice(0, query.limit));
      const map = await summaries(page);
      const last = page.at(-1);
      return {
        stories: page.map((d) => map.get(d._id.toHexString())!),
        nextCursor:
          docs.length > query.limit && last
            ? encodeCursor({ at: last.createdAt.getTime(), id: last._id.toHexString() })
            : null,
      };
    },

    async setFeatured(actor: Actor, id: string, featured: boolean): Promise<Story> {
      if (!isAdmin(actor)) throw new AppError('forbidden', 'Only administrators feature stories.');
      const doc = await readableStoryOr404(actor, id);
      await StoryModel.updateOne({ _id: doc._id }, { $set: { featured } });
      return present({ ...doc, featured });
    },

    featured: (viewer: Actor, limit = 4) => listDocs(viewer, { featured: true }, limit),

    byAuthors: (viewer: Actor, authorIds: string[], limit = 4) =>
      authorIds.length
        ? listDocs(viewer, { authorId: trusted({ $in: authorIds.map((a) => new Types.ObjectId(a)) }) }, limit)
        : Promise.resolve([]),
  };
}

export type StoryService = ReturnType<typeof createStoryService>;
