import {
  resourceAudiences,
  resourceImportRowSchema,
  resourceLanguages,
  resourceTopics,
  resourceTypes,
  type FacetCount,
  type ImportRowError,
  type Resource,
  type ResourceCreateBody,
  type ResourceFacets,
  type ResourceImportRow,
  type ResourceListQuery,
  type ResourceListResponse,
  type ResourcePatchBody,
  type ResourceReviewBody,
  safeParseInput,
} from '@commons/shared';
import { parse as parseCsv } from 'csv-parse/sync';
import mongoose, { isValidObjectId, Types } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { cursorField, decodeCursor, encodeCursor } from '../http/cursor.js';
import { loadMemberRefs } from '../forums/mentions.js';
import { isModerator, type Actor } from '../members/actor.js';
import type { ForumService } from '../forums/service.js';
import { AppError } from '../http/errors.js';
import type { Limiter } from '../http/rate-limit.js';
import type { DomainEvents } from '../infra/domain-events.js';
import type { Logger } from '../infra/log.js';
import { escapeRegex, parseQuery, termsOf, type ParsedQuery } from '../search/terms.js';
import { uploadsByIds } from '../storage/reads.js';
import { ResourceMarkModel, ResourceModel, type MarkKind, type ResourceFields } from './model.js';
import { openDiscussionThread } from './discussion.js';
import { libraryPolicy } from './policy.js';
import { toResource } from './present.js';
import { assertMemberScope, readableResource, readableResources, type ReadableResource } from './read-rule.js';
import { exportLibraryMember, forgetLibraryMember } from './member-data.js';
import { assertMayPublish } from '../moderation/publishing.js';

const { trusted } = mongoose;

/** Lists are filtered, counted and sorted over at most this many matching resources. */
export const LIBRARY_CANDIDATES = 2000;
/** A thread claim older than this is taken to have failed and is tried again. */
const THREAD_CLAIM_MS = 60_000;

const offsetCursorSchema = z.object({ o: cursorField.offset(LIBRARY_CANDIDATES) }).strict();

type Candidate = Pick<
  ResourceFields,
  '_id' | 'topics' | 'audiences' | 'language' | 'type' | 'createdAt' | 'approvedAt' | 'saveCount' | 'usefulCount'
>;

function termsFilter(q: ParsedQuery): Record<string, unknown>[] {
  const conditions: Array<Record<string, unknown>> = q.exact.map((t) => ({ terms: t }));
  if (q.last)
    conditions.push({ $or: [{ terms: new RegExp(`^${escapeRegex(q.last.prefix)}`) }, { terms: q.last.stem }] });
  return conditions;
}

type FacetName = keyof ResourceFacets;
const facetValues: Record<FacetName, readonly string[]> = {
  topic: resourceTopics,
  audience: resourceAudiences,
  language: resourceLanguages,
  type: resourceTypes,
};
const valuesOf = (c: Candidate, facet: FacetName): readonly string[] =>
  facet === 'topic' ? c.topics : facet === 'audience' ? c.audiences : facet === 'language' ? [c.language] : [c.type];

function searchTermsOf(r: { title: string; summary: string; organisation: string }) {
  const titleTerms = termsOf(r.title);
  return { titleTerms, terms: [...new Set([...titleTerms, ...termsOf(r.summary, r.organisation)])] };
}

export interface LibraryServiceDeps {
  events: DomainEvents;
  log?: Logger;
  /** Opens discussion threads (an instance without the members' posting budget). */
  forums: ForumService;
  /** Submissions per member and hour; omitted: unlimited. */
  submitLimiter?: Limiter;
}

/**
 * The resource library: submissions, review, search with facets, saves and "useful" marks,
 * CSV imports, and a discussion thread per approved resource.
 */
export function createLibraryService(deps: LibraryServiceDeps) {
  const { events } = deps;

  async function find(id: string): Promise<ResourceFields> {
    const doc = isValidObjectId(id) ? await ResourceModel.findById(id).lean<ResourceFields>() : null;
    if (!doc) throw new AppError('not_found', 'No resource with this id.');
    return doc;
  }

  async function present(viewer: Actor, docs: ReadableResource[]): Promise<Resource[]> {
    const fileIds = docs.flatMap((d) => (d.fileId ? [d.fileId] : []));
    const [refs, files, marks] = await Promise.all([
      loadMemberRefs(docs.map((d) => d.submittedById)),
      uploadsByIds(fileIds),
      docs.length
        ? ResourceMarkModel.find({
            memberId: new Types.ObjectId(viewer.id),
            resourceId: trusted({ $in: docs.map((d) => d._id) }),
          }).lean()
        : Promise.resolve([]),
    ]);
    const markMap = new Map<string, Set<MarkKind>>();
    for (const m of marks) {
      const key = m.resourceId.toHexString();
      if (!markMap.has(key)) markMap.set(key, new Set());
      markMap.get(key)!.add(m.kind);
    }
    const ctx = { refs, files: new Map(files.map((f) => [f._id.toHexString(), f])), marks: markMap };
    return docs.map((d) => toResource(d, viewer, ctx));
  }

  /** Opens the resource's discussion thread once it is approved (idempotent, safe to race). */
  async function ensureThread(doc: ResourceFields): Promise<ResourceFields> {
    if (doc.status !== 'approved' || doc.threadId) return doc;
    const now = new Date();
    const claimed = await ResourceModel.findOneAndUpdate(
      {
        _id: doc._id,
        status: 'approved',
        threadId: null,
        $or: [{ threadClaimAt: null }, { threadClaimAt: trusted({ $lt: new Date(now.getTime() - THREAD_CLAIM_MS) }) }],
      },
      { $set: { threadClaimAt: now } },
      { returnDocument: 'after' },
    ).lean<ResourceFields>();
    if (!claimed) return doc;
    try {
      const author =
        (await deps.forums.actorById(doc.submittedById.toHexString())) ??
        (doc.reviewerId ? await deps.forums.actorById(doc.reviewerId.toHexString()) : null);
      if (!author) return doc;
      const id = doc._id.toHexString();
      const link = doc.url ? `\n\n${doc.url}` : '';
      // Its text was reviewed with the submission: a moderator approved it.
      const threadId = await openDiscussionThread(
        deps.forums,
        author,
        {
          topics: doc.topics,
          title: doc.title,
          body: `${doc.summary}${link}\n\n[Open it in the resource library](/library/${id})`,
        },
        { approved: true },
      );
      if (!threadId) return doc;
      const updated = await ResourceModel.findOneAndUpdate(
        { _id: doc._id, threadId: null },
        { $set: { threadId: new Types.ObjectId(threadId) } },
        { returnDocument: 'after' },
      ).lean<ResourceFields>();
      return updated ?? doc;
    } catch (err) {
      deps.log?.warn({ err, resourceId: doc._id.toHexString() }, 'opening the resource thread failed');
      await ResourceModel.updateOne({ _id: doc._id, threadId: null }, { $set: { threadClaimAt: null } });
      return doc;
    }
  }

  async function candidates(actor: Actor, query: ResourceListQuery): Promise<Candidate[]> {
    assertMemberScope(actor, query.scope);
    const and: Array<Record<string, unknown>> = [];
    if (query.scope === 'library') and.push({ status: 'approved' });
    else if (query.scope === 'review') {
      libraryPolicy.seeQueue(actor);
      and.push({ status: 'pending' });
    } else if (query.scope === 'mine') and.push({ submittedById: new Types.ObjectId(actor.id) });
    else {
      const saved = await ResourceMarkModel.find(
        { memberId: new Types.ObjectId(actor.id), kind: 'save' },
        { resourceId: 1 },
      )
        .sort({ createdAt: -1 })
        .limit(LIBRARY_CANDIDATES)
        .lean();
      and.push({ status: 'approved' }, { _id: trusted({ $in: saved.map((s) => s.resourceId) }) });
    }
    if (query.submittedBy) and.push({ submittedById: new Types.ObjectId(query.submittedBy) });
    const parsed = parseQuery(query.q);
    if (parsed.last) and.push(...termsFilter(parsed));
    return ResourceModel.find(
      { $and: and },
      { topics: 1, audiences: 1, language: 1, type: 1, createdAt: 1, approvedAt: 1, saveCount: 1, usefulCount: 1 },
    )
      .sort({ createdAt: -1 })
      .limit(LIBRARY_CANDIDATES)
      .lean<Candidate[]>();
  }

  return {
    ensureThread,
    /** This domain's part of a member's data export (members/member-data.ts). */
    exportMember: (memberId: string) => exportLibraryMember(memberId),
    /** Deletes this domain's data of a member who deleted their account (members/member-data.ts). */
    forgetMember: (memberId: string) => forgetLibraryMember(memberId),

    async submit(actor: Actor, body: ResourceCreateBody): Promise<Resource> {
      await assertMayPublish(actor);
      let type: ResourceFields['type'] = 'link';
      if (body.fileId) {
        const [file] = await uploadsByIds([body.fileId]);
        if (!file || file.ownerId.toHexString() !== actor.id)
          throw new AppError('validation_failed', 'Upload the file first; it must be your own upload.', {
            fieldErrors: { fileId: ['unknown file'] },
            formErrors: [],
          });
        type = file.kind;
      }
      await deps.submitLimiter?.consume(actor.id);
      const doc = await ResourceModel.create({
        title: body.title,
        summary: body.summary,
        url: body.url ?? null,
        fileId: body.fileId ? new Types.ObjectId(body.fileId) : null,
        type,
        topics: body.topics,
        audiences: body.audiences,
        language: body.language,
        organisation: body.organisation,
        status: 'pending',
        submittedById: new Types.ObjectId(actor.id),
        ...searchTermsOf(body),
      });
      const lean = doc.toObject() as ResourceFields;
      events.publish('resource.submitted', { resourceId: lean._id.toHexString(), submittedById: actor.id });
      return (await present(actor, [readableResource(actor, lean)]))[0]!;
    },

    async get(actor: Actor, id: string): Promise<Resource> {
      const doc = readableResource(actor, await find(id));
      return (await present(actor, [readableResource(actor, await ensureThread(doc))]))[0]!;
    },

    async list(actor: Actor, query: ResourceListQuery): Promise<ResourceListResponse> {
      const all = await candidates(actor, query);
      const selected: Record<FacetName, readonly string[] | undefined> = {
        topic: query.topic?.length ? query.topic : undefined,
        audience: query.audience?.length ? query.audience : undefined,
        language: query.language?.length ? query.language : undefined,
        type: query.type?.length ? query.type : undefined,
      };
      const names = Object.keys(facetValues) as FacetName[];
      const passes = (c: Candidate, facet: FacetName) => {
        const want = selected[facet];
        return !want || valuesOf(c, facet).some((v) => want.includes(v));
      };
      // Each facet is counted under the other facets' filters, so choosing a value never hides its siblings.
      const facets = {} as ResourceFacets;
      for (const facet of names) {
        const counts = new Map<string, number>(facetValues[facet].map((v) => [v, 0]));
        for (const c of all) {
          if (!names.every((other) => other === facet || passes(c, other))) continue;
          for (const v of new Set(valuesOf(c, facet))) counts.set(v, (counts.get(v) ?? 0) + 1);
        }
        facets[facet] = [...counts].map(([value, count]): FacetCount => ({ value, count }));
      }
      const matching = all.filter((c) => names.every((f) => passes(c, f)));
      const at = (c: Candidate) => (c.approvedAt ?? c.createdAt).getTime();
      matching.sort((a, b) =>
        query.sort === 'saved'
          ? b.saveCount - a.saveCount || at(b) - at(a)
          : query.sort === 'useful'
            ? b.usefulCount - a.usefulCount || at(b) - at(a)
            : at(b) - at(a),
      );
      const offset = query.cursor ? decodeCursor(offsetCursorSchema, query.cursor).o : 0;
      const pageIds = matching.slice(offset, offset + query.limit).map((c) => c._id);
      const docs = pageIds.length
        ? await ResourceModel.find({ _id: trusted({ $in: pageIds }) }).lean<ResourceFields[]>()
        : [];
      const byId = new Map(docs.map((d) => [d._id.toHexString(), d]));
      const ordered = pageIds.flatMap((id) => byId.get(id.toHexString()) ?? []);
      const next = offset + query.limit;
      return {
        resources: await present(actor, readableResources(actor, ordered)),
        facets,
        total: matching.length,
        nextCursor: next < matching.length ? encodeCursor({ o: next }) : null,
      };
    },

    async review(actor: Actor, id: string, body: ResourceReviewBody): Promise<Resource> {
      libraryPolicy.review(actor);
      const doc = await find(id);
      const status = body.decision === 'approve' ? 'approved' : 'rejected';
      if (doc.status === status) throw new AppError('conflict', `This resource is already ${status}.`);
      const now = new Date();
      let updated = await ResourceModel.findOneAndUpdate(
        { _id: doc._id, status: doc.status },
        {
          $set: {
            status,
            reviewerId: new Types.ObjectId(actor.id),
            reviewNote: body.note || null,
            reviewedAt: now,
            approvedAt: status === 'approved' ? (doc.approvedAt ?? now) : doc.approvedAt,
          },
        },
        { returnDocument: 'after' },
      ).lean<ResourceFields>();
      if (!updated) throw new AppError('conflict', 'Another moderator reviewed this resource just now.');
      updated = await ensureThread(updated);
      events.publish('resource.reviewed', {
        resourceId: id,
        submittedById: doc.submittedById.toHexString(),
        status,
        reviewerId: actor.id,
      });
      return (await present(actor, [readableResource(actor, updated)]))[0]!;
    },

    /**
     * The submitter or a moderator edits. A submitter's edit of a reviewed (approved or rejected)
     * resource sends it back to review: nothing unreviewed is ever public. A moderator's edit
     * keeps the status.
     */
    async update(actor: Actor, id: string, patch: ResourcePatchBody): Promise<Resource> {
      const doc = await find(id);
      readableResource(actor, doc);
      libraryPolicy.edit(actor, doc);
      await assertMayPublish(actor);
      const next = {
        title: patch.title ?? doc.title,
        summary: patch.summary ?? doc.summary,
        organisation: patch.organisation ?? doc.organisation,
        url: patch.url === undefined ? doc.url : patch.url,
      };
      if (!next.url && !doc.fileId)
        throw new AppError('validation_failed', 'A resource needs a link or a file.', {
          fieldErrors: { url: ['give a link, a file, or both'] },
          formErrors: [],
        });
      const set: Record<string, unknown> = { ...patch, ...next, ...searchTermsOf(next) };
      const byModerator = isModerator(actor);
      const backToReview = !byModerator && doc.status !== 'pending';
      if (backToReview) Object.assign(set, { status: 'pending', reviewerId: null, reviewNote: null, reviewedAt: null });
      const updated = await ResourceModel.findOneAndUpdate(
        { _id: doc._id },
        { $set: set },
        { returnDocument: 'after' },
      ).lean<ResourceFields>();
      if (!updated) throw new AppError('not_found', 'No resource with this id.');
      if (backToReview)
        events.publish('resource.submitted', { resourceId: updated._id.toHexString(), submittedById: actor.id });
      return (await present(actor, [readableResource(actor, updated)]))[0]!;
    },

    /** Moderators and administrators delete a resource, with its saves and useful marks (its discussion thread stays). */
    async remove(actor: Actor, id: string): Promise<void> {
      libraryPolicy.remove(actor);
      const doc = await find(id);
      await ResourceModel.deleteOne({ _id: doc._id });
      await ResourceMarkModel.deleteMany({ resourceId: doc._id });
    },

    async setMark(actor: Actor, id: string, kind: MarkKind, on: boolean): Promise<Resource> {
      const doc = await find(id);
      readableResource(actor, doc);
      libraryPolicy.mark(doc);
      const key = { resourceId: doc._id, memberId: new Types.ObjectId(actor.id), kind };
      const counter = kind === 'save' ? 'saveCount' : 'usefulCount';
      if (on) {
        const res = await ResourceMarkModel.updateOne(key, { $setOnInsert: key }, { upsert: true });
        if (res.upsertedCount > 0) await ResourceModel.updateOne({ _id: doc._id }, { $inc: { [counter]: 1 } });
      } else {
        const res = await ResourceMarkModel.deleteOne(key);
        if (res.deletedCount > 0) await ResourceModel.updateOne({ _id: doc._id }, { $inc: { [counter]: -1 } });
      }
      return (await present(actor, [readableResource(actor, await find(id))]))[0]!;
    },

    async setFeatured(actor: Actor, id: string, featured: boolean): Promise<Resource> {
      libraryPolicy.feature(actor);
      const doc = await find(id);
      if (featured && doc.status !== 'approved')
        throw new AppError('conflict', 'Only approved resources can be featured.');
      await ResourceModel.updateOne({ _id: doc._id }, { $set: { featured } });
      return (await present(actor, [readableResource(actor, await find(id))]))[0]!;
    },

    /** Featured resources, newest approval first. */
    async featured(actor: Actor, limit = 6): Promise<Resource[]> {
      const docs = await ResourceModel.find({ status: 'approved', featured: true })
        .sort({ approvedAt: -1 })
        .limit(limit)
        .lean<ResourceFields[]>();
      return present(actor, readableResources(actor, docs));
    },

    /** Approved resources submitted by any of these members, newest first. */
    async bySubmitters(actor: Actor, memberIds: string[], limit = 6): Promise<Resource[]> {
      if (memberIds.length === 0) return [];
      const docs = await ResourceModel.find({
        status: 'approved',
        submittedById: trusted({ $in: memberIds.map((m) => new Types.ObjectId(m)) }),
      })
        .sort({ approvedAt: -1 })
        .limit(limit)
        .lean<ResourceFields[]>();
      return present(actor, readableResources(actor, docs));
    },

    /**
     * Imports a CSV of link resources, all or none. Every row is validated first (with a per-row
     * report); then rows are inserted with one batch id, and any failure removes the whole batch.
     * Imported resources are approved (an administrator curated them); threads open on first view.
     */
    async importCsv(actor: Actor, csv: string): Promise<{ batchId: string; imported: number }> {
      libraryPolicy.importCsv(actor);
      await assertMayPublish(actor);
      const { rows, errors } = validateCsv(csv);
      const existing = await ResourceModel.find(
        { url: trusted({ $in: rows.map((r) => r.row.url) }) },
        { url: 1 },
      ).lean();
      const taken = new Set(existing.map((e) => e.url));
      for (const r of rows) {
        if (taken.has(r.row.url)) errors.push({ row: r.line, fieldErrors: { url: ['already in the library'] } });
      }
      if (errors.length > 0) {
        errors.sort((a, b) => a.row - b.row);
        throw new AppError('validation_failed', `${errors.length} rows have problems; nothing was imported.`, {
          fieldErrors: {},
          formErrors: [],
          rows: errors,
        });
      }
      const batchId = randomUUID();
      const now = new Date();
      const submittedById = new Types.ObjectId(actor.id);
      const docs = rows.map(({ row }) => ({
        title: row.title,
        summary: row.summary,
        url: row.url,
        fileId: null,
        type: 'link' as const,
        topics: row.topics,
        audiences: row.audiences,
        language: row.language,
        organisation: row.organisation,
        status: 'approved' as const,
        submittedById,
        reviewerId: submittedById,
        reviewedAt: now,
        approvedAt: now,
        importBatchId: batchId,
        ...searchTermsOf(row),
      }));
      try {
        for (let i = 0; i < docs.length; i += 200) {
          await ResourceModel.insertMany(docs.slice(i, i + 200), { ordered: true });
        }
      } catch (err) {
        await ResourceModel.deleteMany({ importBatchId: batchId });
        deps.log?.warn({ err, batchId }, 'resource import failed; batch removed');
        throw new AppError(
          'service_unavailable',
          'The import failed part-way and was undone; try again.',
          undefined,
          5,
        );
      }
      return { batchId, imported: docs.length };
    },
  };
}

const requiredColumns = ['title', 'summary', 'url', 'topics', 'audiences', 'language'] as const;
const knownColumns = new Set<string>([...requiredColumns, 'organisation']);

/** Parses and validates a whole CSV (header row first; lists separated by ';' or '|'). */
export function validateCsv(csv: string): {
  rows: Array<{ line: number; row: ResourceImportRow }>;
  errors: ImportRowError[];
} {
  let records: string[][];
  try {
    records = parseCsv(csv, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (err) {
    throw new AppError('validation_failed', `The CSV could not be read: ${(err as Error).message}`, {
      fieldErrors: { file: ['not a valid CSV'] },
      formErrors: [],
    });
  }
  const [header, ...data] = records;
  const columns = (header ?? []).map((h) => h.trim().toLowerCase());
  const missing = requiredColumns.filter((c) => !columns.includes(c));
  const unknown = columns.filter((c) => !knownColumns.has(c));
  if (missing.length || unknown.length) {
    throw new AppError('validation_failed', 'The CSV header does not match the template.', {
      fieldErrors: {
        file: [...missing.map((c) => `missing column ${c}`), ...unknown.map((c) => `unknown column ${c}`)],
      },
      formErrors: [],
    });
  }
  if (data.length === 0) throw new AppError('validation_failed', 'The CSV has no rows to import.');
  if (data.length > 1000) throw new AppError('validation_failed', 'Import at most 1,000 rows at a time.');
  const rows: Array<{ line: number; row: ResourceImportRow }> = [];
  const errors: ImportRowError[] = [];
  const seenUrls = new Map<string, number>();
  data.forEach((record, i) => {
    const line = i + 2;
    const raw: Record<string, unknown> = {};
    columns.forEach((c, j) => (raw[c] = record[j] ?? ''));
    const list = (v: unknown) =>
      String(v ?? '')
        .split(/[;|]/)
        .map((s) => s.trim().toLowerCase())
        .filter(Boolean);
    const parsed = safeParseInput(resourceImportRowSchema, {
      title: raw.title,
      summary: raw.summary,
      url: raw.url,
      topics: list(raw.topics),
      audiences: list(raw.audiences),
      language: String(raw.language ?? '').toLowerCase(),
      organisation: raw.organisation ?? '',
    });
    if (!parsed.success) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) (fieldErrors[String(issue.path[0] ?? 'row')] ??= []).push(issue.message);
      errors.push({ row: line, fieldErrors });
      return;
    }
    const earlier = seenUrls.get(parsed.data.url);
    if (earlier !== undefined) {
      errors.push({ row: line, fieldErrors: { url: [`same link as row ${earlier}`] } });
      return;
    }
    seenUrls.set(parsed.data.url, line);
    rows.push({ line, row: parsed.data });
  });
  return { rows, errors };
}

export type LibraryService = ReturnType<typeof createLibraryService>;
