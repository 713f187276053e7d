import type { SearchHit, SearchQuery } from '@commons/shared';
import mongoose from 'mongoose';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../forums/cursor.js';
import { htmlToText } from '../forums/markdown.js';
import { loadMemberRefs } from '../forums/mentions.js';
import { hiddenCategoryIds } from '../forums/coalition-visibility.js';
import { CategoryModel, PostModel, ThreadModel } from '../forums/model.js';
import type { Actor } from '../forums/policy.js';
import type { PostLean, ThreadLean } from '../forums/present.js';
import { listedThreadsFilter } from '../forums/thread-visibility.js';
import { RESTRICTED_STATUSES } from '../forums/visibility.js';
import { highlight, snippet } from './snippet.js';
import { countMatchedTerms, escapeRegex, parseQuery, type ParsedQuery } from './terms.js';

const { trusted } = mongoose;

/**
 * Matching documents are fetched newest first up to this many, then ranked here; deeper result
 * pages than that are not offered (a narrower query is the better answer).
 */
export const SEARCH_CANDIDATES = 500;

const offsetCursorSchema = z.object({ o: z.number().int().min(0).max(SEARCH_CANDIDATES) }).strict();

/** All query terms must be in `terms`; the last one as a prefix of a word (or its stem). */
function termsFilter(q: ParsedQuery): Record<string, unknown> {
  const conditions: Array<Record<string, unknown>> = q.exact.map((t) => ({ terms: t }));
  if (q.last)
    conditions.push({ $or: [{ terms: new RegExp(`^${escapeRegex(q.last.prefix)}`) }, { terms: q.last.stem }] });
  return { $and: conditions };
}

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

export function createSearchService() {
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
        const candidates = await ThreadModel.find(listed ? { $and: [filter, listed] } : filter, { terms: 0 })
          .sort({ lastActivityAt: -1 })
          .limit(SEARCH_CANDIDATES)
          .lean<ThreadLean[]>();
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
        const candidates = await PostModel.find(
          { ...filter, deleted: false, status: trusted({ $nin: RESTRICTED_STATUSES }) },
          { terms: 0, revisions: 0 },
        )
          .sort({ createdAt: -1 })
          .limit(SEARCH_CANDIDATES)
          .lean<PostLean[]>();
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

export type SearchService = ReturnType<typeof createSearchService>;
