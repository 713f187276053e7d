import type { SearchHit, SearchQuery } from '@commons/shared';
import mongoose from 'mongoose';
import { z } from 'zod';
import { cursorField, decodeCursor, encodeCursor } from '../http/cursor.js';
import { highlight, snippet } from '../search/snippet.js';
import { countMatchedTerms, parseQuery, termsFilter } from '../search/terms.js';
import { hiddenCategoryIds } from './coalition-visibility.js';
import { htmlToText } from './markdown.js';
import { loadMemberRefs } from './mentions.js';
import { CategoryModel, PostModel, ThreadModel } from './model.js';
import type { Actor } from '../members/actor.js';
import type { PostLean, ThreadLean } from './present.js';
import { readablePosts, readableThreads } from './read-rule.js';
import { listedThreadsFilter } from './thread-visibility.js';
import { RESTRICTED_STATUSES } from './visibility.js';

const { trusted } = mongoose;

/*
 * The forums' part of the search box (search/service.ts asks it): threads and posts matched by
 * their terms, then passed through the forums' read rule before they are ranked and shown.
 */

/**
 * Matching documents are fetched newest first up to this many, then ranked here; deeper result
 * pages than that are not offered (a narrower query is the better answer).
 */
export const SEARCH_CANDIDATES = 500;

const offsetCursorSchema = z.object({ o: cursorField.offset(SEARCH_CANDIDATES) }).strict();

/** Archived categories, and those of private coalitions the actor is not in. */
async function unsearchedCategoryIds(actor: Actor): Promise<mongoose.Types.ObjectId[]> {
  const [archived, hidden] = await Promise.all([
    CategoryModel.find({ archived: true }, { _id: 1 }).lean(),
    hiddenCategoryIds(actor),
  ]);
  return [...archived.map((c) => c._id), ...hidden];
}

type Ranked<T> = { doc: T; titleHits: number; at: number };

/** Title hits first, then recency. */
function rank<T>(rows: Ranked<T>[]): Ranked<T>[] {
  return rows.sort((a, b) => b.titleHits - a.titleHits || b.at - a.at);
}

/** Threads and posts the member may read, ranked title hits first, then recency. */
export function forumSearch() {
  return {
    async search(
      actor: Actor,
      query: SearchQuery,
    ): Promise<{ results: SearchHit[]; nextCursor: string | null; terms: string[] }> {
      const parsed = parseQuery(query.q);
      const offset = query.cursor ? decodeCursor(offsetCursorSchema, query.cursor).o : 0;
      if (!parsed.last) return { results: [], nextCursor: null, terms: [] };
      const filter = termsFilter(parsed);
      const archived = await unsearchedCategoryIds(actor);
      if (archived.length > 0) filter.categoryId = trusted({ $nin: archived });

      let results: SearchHit[];
      let total: number;
      // Threads whose opening post is held or hidden: only their author and moderators find them.
      const listed = listedThreadsFilter(actor);
      if (query.type === 'threads') {
        // The filter narrows the store's work; the read rule decides what is shown.
        const candidates = await readableThreads(
          actor,
          await ThreadModel.find(listed ? { $and: [filter, listed] } : filter, { terms: 0 })
            .sort({ lastActivityAt: -1 })
            .limit(SEARCH_CANDIDATES)
            .lean<ThreadLean[]>(),
        );
        const ranked = rank(
          candidates.map((t) => ({
            doc: t,
            titleHits: countMatchedTerms(t.titleTerms, parsed),
            at: t.lastActivityAt.getTime(),
          })),
        );
        total = ranked.length;
        const page = ranked.slice(offset, offset + query.limit).map((r) => r.doc);
        const [firstPosts, refs] = await Promise.all([
          PostModel.find(
            { _id: trusted({ $in: page.map((t) => t.firstPostId) }) },
            { html: 1, deleted: 1, status: 1 },
          ).lean<PostLean[]>(),
          loadMemberRefs(page.map((t) => t.authorId)),
        ]);
        const textOf = new Map(
          firstPosts.map((p) => [
            p._id.toHexString(),
            p.deleted || RESTRICTED_STATUSES.includes(p.status) ? '' : htmlToText(p.html),
          ]),
        );
        results = page.map((t) => ({
          type: 'thread' as const,
          threadId: t._id.toHexString(),
          categoryId: t.categoryId.toHexString(),
          threadTitle: t.title,
          titleHtml: highlight(t.title, parsed),
          postId: null,
          seq: null,
          author: refs.get(t.authorId.toHexString()) ?? null,
          snippetHtml: snippet((t.firstPostId && textOf.get(t.firstPostId.toHexString())) || '', parsed),
          createdAt: t.createdAt.toISOString(),
          lastActivityAt: t.lastActivityAt.toISOString(),
        }));
      } else {
        const candidates = await readablePosts(
          actor,
          await PostModel.find(
            { ...filter, deleted: false, status: trusted({ $nin: RESTRICTED_STATUSES }) },
            { terms: 0, revisions: 0 },
          )
            .sort({ createdAt: -1 })
            .limit(SEARCH_CANDIDATES)
            .lean<PostLean[]>(),
        );
        const threads = await ThreadModel.find(
          {
            _id: trusted({ $in: [...new Set(candidates.map((p) => p.threadId.toHexString()))] }),
            ...(listed ?? {}),
          },
          { title: 1, titleTerms: 1, categoryId: 1, lastActivityAt: 1 },
        ).lean<ThreadLean[]>();
        const threadById = new Map(threads.map((t) => [t._id.toHexString(), t]));
        const ranked = rank(
          candidates
            .filter((p) => threadById.has(p.threadId.toHexString()))
            .map((p) => ({
              doc: p,
              titleHits: countMatchedTerms(threadById.get(p.threadId.toHexString())!.titleTerms, parsed),
              at: p.createdAt.getTime(),
            })),
        );
        total = ranked.length;
        const page = ranked.slice(offset, offset + query.limit).map((r) => r.doc);
        const refs = await loadMemberRefs(page.map((p) => p.authorId));
        results = page.map((p) => {
          const thread = threadById.get(p.threadId.toHexString())!;
          return {
            type: 'post' as const,
            threadId: thread._id.toHexString(),
            categoryId: thread.categoryId.toHexString(),
            threadTitle: thread.title,
            titleHtml: highlight(thread.title, parsed),
            postId: p._id.toHexString(),
            seq: p.seq,
            author: refs.get(p.authorId.toHexString()) ?? null,
            snippetHtml: snippet(htmlToText(p.html), parsed),
            createdAt: p.createdAt.toISOString(),
            lastActivityAt: thread.lastActivityAt.toISOString(),
          };
        });
      }
      const next = offset + query.limit;
      return { results, nextCursor: next < total ? encodeCursor({ o: next }) : null, terms: parsed.display };
    },
  };
}
