import type { Route } from '@commons/server/http/route';
import { clientEvents } from '@commons/server/realtime/events';
import { allRoutes } from '@commons/server/routes';
import { z } from 'zod';
import { sampleOf } from '../../support/zod-sample.js';
import { standsFor, type Caller, type Fixture, type Kind, type Person } from './cast.js';

/*
 * The read paths of the content matrix, generated from the route table and the socket event
 * table, never listed by hand: every route whose path names content by id (`/api/posts/{id}/…`),
 * every query and body field that names content (`categoryId`, `quotePostId`, …), every list,
 * every search box, and every socket command whose payload names a room. A route or command added
 * to a table joins the matrix by its path and field names.
 */

export const MISSING = '0123456789abcdef01234567';

/** Path segments and field names that name a kind of content. */
const segmentKinds: Record<string, Kind> = {
  posts: 'post',
  threads: 'thread',
  categories: 'category',
  labs: 'lab',
  resources: 'resource',
  stories: 'story',
  events: 'event',
  coalitions: 'coalition',
};
const fieldKinds: Record<string, Kind> = {
  postId: 'post',
  quotePostId: 'post',
  parentId: 'post',
  threadId: 'thread',
  categoryId: 'category',
  summaryCategoryId: 'category',
  labId: 'lab',
  resourceId: 'resource',
  storyId: 'story',
  eventId: 'event',
  coalitionId: 'coalition',
};
const personFields = new Set(['memberId', 'memberIds', 'facilitatorIds', 'authorId']);

/** One request of the matrix: who sends what. */
export interface Probe {
  caller: Caller;
  method: string;
  path: string;
  body?: unknown;
  label: string;
  /** The same request naming nothing: both must get the same answer. */
  twin?: Probe;
  /** Must succeed (a reader reading by id). */
  mustRead?: boolean;
  /** Words the answer must hold. */
  mustShow?: string[];
}

export interface SocketProbe {
  caller: Person;
  event: string;
  payload: unknown;
  label: string;
  twin?: SocketProbe;
  mustRead?: boolean;
}

export interface Ids {
  /** A readable default per kind for fields the probe does not vary. */
  defaults: Partial<Record<Kind, string>>;
  person: string;
}

const shapeOf = (s: z.ZodType | undefined): Record<string, z.ZodType> =>
  s instanceof z.ZodObject ? (s.shape as Record<string, z.ZodType>) : innerShape(s);
function innerShape(s: z.ZodType | undefined): Record<string, z.ZodType> {
  const def = (s as unknown as { def?: { in?: z.ZodType; innerType?: z.ZodType; schema?: z.ZodType } })?.def;
  const inner = def?.in ?? def?.innerType ?? def?.schema;
  return inner ? shapeOf(inner) : {};
}

/** The kind named by a route's path, `/api/<kind>/{id}…`, if any. */
function pathKind(route: Route<unknown>): Kind | undefined {
  const m = /^\/api\/(\w+)\/\{id\}/.exec(route.path);
  return m ? segmentKinds[m[1]!] : undefined;
}

function fillPath(route: Route<unknown>, id: string, ids: Ids): string {
  const shape = shapeOf(route.params);
  return route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (name === 'id') return id;
    if (name === 'memberId') return ids.person;
    const schema = shape[name];
    const options = schema instanceof z.ZodEnum ? (schema.options as string[]) : [];
    return encodeURIComponent(options[0] ?? MISSING);
  });
}

function bodyFor(route: Route<unknown>, ids: Ids, target?: { key: string; id: string }): unknown {
  if (!route.body) return route.method === 'get' || route.method === 'delete' ? undefined : {};
  const sample = sampleOf(route.body, (key, optional) => {
    if (target && key === target.key) return target.id;
    if (optional) return undefined;
    if (personFields.has(key)) return ids.person;
    const kind = fieldKinds[key];
    return kind ? (ids.defaults[kind] ?? MISSING) : undefined;
  });
  return sample ?? {};
}

const isRead = (route: Route<unknown>) => route.method === 'get';

/** The role gate refuses the caller before any content is looked at (the role matrix checks that). */
const rank: Record<Caller, number> = {
  anonymous: 0,
  member: 1,
  coalitionMember: 1,
  author: 1,
  facilitator: 1,
  moderator: 2,
  admin: 3,
};
const accessRank = { public: 0, publicFace: 0, member: 1, moderator: 2, admin: 3 } as const;
const gated = (route: Route<unknown>, caller: Caller) => rank[caller] < accessRank[route.access];
/** Ending the caller's session would sign them out of the rest of the matrix. */
const endsSession = new Set(['post /api/auth/logout', 'delete /api/members/me']);

/**
 * Every REST probe: content named in the path, in the query and in the body, each compared with
 * the same request naming nothing for whoever may not read it; reads by id for who may.
 */
export function restProbes(fixtures: Fixture[], callers: Caller[], idsOf: (c: Caller) => Ids): Probe[] {
  const probes: Probe[] = [];
  const named = fixtures.filter((f): f is Fixture & { id: string } => f.id !== null);
  for (const route of allRoutes) {
    const name = `${route.method} ${route.path}`;
    if (endsSession.has(name) || !route.path.startsWith('/api/')) continue;
    const kind = pathKind(route);
    const queryKeys = Object.keys(shapeOf(route.query)).filter((k) => fieldKinds[k]);
    const bodyKeys = Object.keys(shapeOf(route.body)).filter((k) => fieldKinds[k]);
    for (const caller of callers.filter((c) => !gated(route, c))) {
      const ids = idsOf(caller);
      // Content in the path.
      if (kind) {
        for (const f of named.filter((x) => x.kind === kind && standsFor(x, caller) === caller)) {
          const reads = f.readers.has(caller);
          if (reads && !isRead(route)) continue;
          const label = `${name} [${f.kind} ${f.state}]`;
          // A reader reads it by its own path (the content's other read paths are the same rule).
          if (reads) {
            if (route.path === `/api/${segmentOf(kind)}/{id}`)
              probes.push({ caller, method: route.method, path: fillPath(route, f.id, ids), label, mustRead: true });
            continue;
          }
          if (f.tombstone) continue;
          const body = bodyFor(route, ids);
          const twin = { caller, method: route.method, path: fillPath(route, MISSING, ids), body, label };
          probes.push({ caller, method: route.method, path: fillPath(route, f.id, ids), body, label, twin });
        }
      }
      // Content in the query (lists narrowed to a category, a coalition…).
      for (const q of queryKeys) {
        for (const f of named.filter((x) => x.kind === fieldKinds[q] && standsFor(x, caller) === caller)) {
          const path = (id: string) => `${fillPath(route, ids.defaults[kind ?? 'post'] ?? MISSING, ids)}?${q}=${id}`;
          const label = `${name}?${q} [${f.kind} ${f.state}]`;
          if (f.readers.has(caller) || f.tombstone) {
            probes.push({ caller, method: 'get', path: path(f.id), label });
            continue;
          }
          const twin = { caller, method: 'get', path: path(MISSING), label };
          probes.push({ caller, method: 'get', path: path(f.id), label, twin });
        }
      }
      // Content in the body (a quote, a parent, the category of a new thread…): writes by non-readers only.
      for (const b of bodyKeys) {
        const probed = (x: Fixture) => x.kind === fieldKinds[b] && standsFor(x, caller) === caller;
        for (const f of named.filter((x) => probed(x) && !x.readers.has(caller) && !x.tombstone)) {
          const path = fillPath(route, kind ? (ids.defaults[kind] ?? MISSING) : MISSING, ids);
          const label = `${name} {${b}} [${f.kind} ${f.state}]`;
          const body = (id: string) => bodyFor(route, ids, { key: b, id });
          const twin = { caller, method: route.method, path, body: body(MISSING), label };
          probes.push({ caller, method: route.method, path, body: body(f.id), label, twin });
        }
      }
    }
  }
  return probes;
}

const segmentOf = (kind: Kind) => Object.entries(segmentKinds).find(([, k]) => k === kind)![0];

/** Every fixture's word starts so: searched as a prefix, one query finds them all. */
export const WORD_PREFIX = 'zq';

/**
 * Lists and search boxes, for the token scan: every GET route without content in its path (with
 * its default query, and where it has a `q` with the words' common prefix, each `type` of it
 * too), and the routes about a member with the author's id. Documents of the API are left out.
 */
export function listProbes(callers: Caller[], authorId: string, publicWord: string): Probe[] {
  const probes: Probe[] = [];
  // Documents and pages of the API (not JSON, or its own description) hold no content.
  const lists = allRoutes.filter(
    (r) => r.method === 'get' && r.path.startsWith('/api/') && !r.produces && !/\.json$/.test(r.path),
  );
  for (const route of lists) {
    const params = route.path.match(/\{\w+\}/g) ?? [];
    const aboutMember = /^\/api\/(members|moderation\/members)\/\{id\}/.test(route.path) && params.length === 1;
    if (params.length > 0 && !aboutMember) continue;
    const path = route.path.replace('{id}', authorId);
    const query = shapeOf(route.query);
    const types =
      query.type instanceof z.ZodDefault ? ((query.type.def.innerType as z.ZodEnum).options as string[]) : [];
    for (const caller of callers.filter((c) => !gated(route, c))) {
      probes.push({ caller, method: 'get', path, label: `get ${route.path}` });
      if (!query.q) continue;
      for (const type of types.length ? types : [null])
        probes.push({
          caller,
          method: 'get',
          path: `${path}?q=${WORD_PREFIX}${type ? `&type=${type}` : ''}`,
          label: `get ${route.path}?q${type ? `&type=${type}` : ''}`,
          // Not vacuous: the search box finds what everyone reads.
          ...(type === 'all' && caller === 'member' ? { mustShow: [publicWord] } : {}),
        });
    }
  }
  return probes;
}

/** Every socket command whose payload names content, sent by each member who may not read it. */
export function socketProbes(fixtures: Fixture[], callers: Person[], idsOf: (c: Caller) => Ids): SocketProbe[] {
  const probes: SocketProbe[] = [];
  for (const [event, contract] of Object.entries(clientEvents)) {
    const keys = Object.keys(shapeOf(contract.payload)).filter((k) => fieldKinds[k]);
    for (const key of keys) {
      for (const caller of callers) {
        const ids = idsOf(caller);
        const payload = (id: string) =>
          sampleOf(contract.payload, (k, optional) =>
            k === key
              ? id
              : optional
                ? undefined
                : personFields.has(k)
                  ? ids.person
                  : fieldKinds[k]
                    ? ids.defaults[fieldKinds[k]!]
                    : undefined,
          ) ?? { [key]: id };
        for (const f of fixtures.filter(
          (x): x is Fixture & { id: string } => x.kind === fieldKinds[key] && x.id !== null,
        )) {
          const label = `${event} {${key}} [${f.kind} ${f.state}]`;
          if (f.readers.has(caller)) {
            if (event.endsWith(':join')) probes.push({ caller, event, payload: payload(f.id), label, mustRead: true });
            continue;
          }
          const twin = { caller, event, payload: payload(MISSING), label };
          probes.push({ caller, event, payload: payload(f.id), label, twin });
        }
      }
    }
  }
  return probes;
}
