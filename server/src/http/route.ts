import { safeParseInput } from '@commons/shared';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import type { MemberDoc } from '../members/reads.js';
import type { Access, Operation } from '../openapi/operation.js';
import { JsonText } from '../infra/json-text.js';
import { publicFaceOpen } from '../site/viewer.js';
import { AppError, validationError } from './errors.js';
import type { Limiter, LimitRule } from './rate-limit.js';

type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

/** A per-route budget, spent after the input parsed (bad input costs nothing), keyed by caller. */
export interface RouteLimit extends LimitRule {
  by: 'ip' | 'member';
}

/** What a handler receives: parsed input, the signed-in member (never null unless the route is public), its deps. */
export interface RouteContext<D, A extends Access, P, Q, B> {
  deps: D;
  params: P;
  query: Q;
  body: B;
  member: A extends 'public' | 'publicFace' ? MemberDoc | null : MemberDoc;
  req: Request;
  res: Response;
}

/** A handler's answer with a status other than the route's first success status. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}
export const reply = (status: number, body?: unknown) => new Reply(status, body);

/** Returned by a handler that wrote the response itself (a file stream, a session ending). */
export const answered = Symbol('answered');

/**
 * One route: its contract (the OpenAPI operation: method, path, schemas, access, limit) and its
 * handler. The same value registers the Express route and documents it, so the two cannot drift.
 */
export interface Route<D> extends Operation {
  limit?: RouteLimit;
  /** Served before the API's JSON, session and same-origin middleware (mail clients, the docs). */
  bare?: boolean;
  /** Express middleware run before the handler (a form body parser, for instance). */
  before?: RequestHandler[];
  // A method, so a table of one domain's routes is assignable to a table of any deps (see mountRoutes).
  handle(ctx: RouteContext<D, Access, unknown, unknown, unknown>): unknown;
}

type Contract<A extends Access, P, Q, B> = Omit<Operation, 'access' | 'params' | 'query' | 'body' | 'tag'> & {
  access: A;
  params?: P;
  query?: Q;
  body?: B;
  limit?: RouteLimit;
  bare?: boolean;
  before?: RequestHandler[];
};

/**
 * The route builder of one domain: `route({ method, path, ..., access }, async ({ deps, body }) => ...)`.
 * The handler's input types come from the contract's schemas; what it returns is sent as JSON with
 * the first success status (no body when that status documents none); `reply(status, body)` picks another.
 */
export function routesFor<D>(tag: string) {
  return function route<
    A extends Access,
    P extends z.ZodObject | undefined = undefined,
    Q extends z.ZodObject | undefined = undefined,
    B extends z.ZodType | undefined = undefined,
  >(
    contract: Contract<A, P, Q, B>,
    handler: (ctx: RouteContext<D, A, Infer<P>, Infer<Q>, Infer<B>>) => unknown,
  ): Route<D> {
    return {
      tag,
      ...contract,
      handle: (ctx) => handler(ctx as RouteContext<D, A, Infer<P>, Infer<Q>, Infer<B>>),
    } as Route<D>;
  };
}

const rank: Record<Access, number> = { public: 0, publicFace: 0, member: 1, moderator: 2, admin: 3 };
const roleRank: Record<string, number> = { member: 1, moderator: 2, admin: 3 };

/**
 * The one gate of every route: 401 without a session where one is needed (a visitor on a
 * `publicFace` route while the public face is closed: `members_only`), 403 below the declared role.
 */
export async function admit(access: Access, member: MemberDoc | undefined): Promise<void> {
  if (access === 'public') return;
  if (access === 'publicFace') {
    if (member || (await publicFaceOpen())) return;
    throw new AppError('members_only', 'This site is open to its members only: sign in to read it.');
  }
  if (!member) throw new AppError('unauthenticated', 'Sign in first.');
  if ((roleRank[member.role] ?? 0) < rank[access])
    throw new AppError('forbidden', `Only ${access}s can do this.`, { requires: access });
}

const namesResource = (key: PropertyKey | undefined) => typeof key === 'string' && /^(id|\w+Id)$/.test(key);

function parseWith<S extends z.ZodType>(schema: S, input: unknown, where: 'params' | 'input'): z.output<S> {
  const result = safeParseInput(schema, input);
  if (result.success) return result.data;
  // An id in the path that cannot name anything names nothing: the same 404 as an unknown id.
  // Other path segments (a reaction kind) are input like any other: 400.
  if (where === 'params' && result.error.issues.every((i) => namesResource(i.path[0])))
    throw new AppError('not_found', 'No such resource.');
  throw validationError(result.error);
}

/** `/api/threads/{id}` → `/threads/:id` below the mount point `/api`. */
export function expressPath(template: string, base: string): string {
  const below = template.startsWith(base + '/') ? template.slice(base.length) : template;
  return below.replace(/\{(\w+)\}/g, ':$1');
}

/** Literal segments before parameters, so `/members/me` is tried before `/members/{id}`. */
function bySpecificity(a: Operation, b: Operation): number {
  const sa = a.path.split('/');
  const sb = b.path.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const pa = sa[i]!.startsWith('{');
    const pb = sb[i]!.startsWith('{');
    if (pa !== pb) return pa ? 1 : -1;
  }
  return 0;
}

export function successStatus(op: Operation): number {
  return Math.min(...Object.keys(op.responses).map(Number));
}

/** A route with the deps its handler runs with. */
export interface BoundRoute {
  route: Route<unknown>;
  deps: unknown;
}

export const bind = <D>(routes: Array<Route<D>>, deps: D): BoundRoute[] => routes.map((route) => ({ route, deps }));

export interface MountOptions {
  /** Path prefix of the router the routes are mounted on (`/api`), or '' for the app itself. */
  base: string;
  limiter: (rule: LimitRule) => Limiter;
}

/** Registers routes on a router: gate, parse, limit, handle, answer. */
export function mountRoutes(router: Router, routes: BoundRoute[], opts: MountOptions): void {
  for (const { route, deps } of [...routes].sort((a, b) => bySpecificity(a.route, b.route))) {
    const limiter = route.limit ? opts.limiter(route.limit) : null;
    const status = successStatus(route);
    const noBody = route.responses[status] === null;
    const run: RequestHandler = async (req, res) => {
      res.locals.routeTemplate = route.path;
      const member = req.user;
      await admit(route.access, member);
      const params = route.params ? parseWith(route.params, req.params, 'params') : undefined;
      const query = route.query ? parseWith(route.query, req.query, 'input') : undefined;
      const body = route.body ? parseWith(route.body, req.body ?? {}, 'input') : undefined;
      if (limiter) {
        const key = route.limit!.by === 'member' && member ? member._id.toHexString() : (req.ip ?? 'unknown');
        await limiter.consume(key);
      }
      const out = await route.handle({ deps, params, query, body, member: member ?? null, req, res });
      if (out === answered || res.headersSent) return;
      if (out instanceof Reply) {
        if (out.body === undefined) res.status(out.status).end();
        else res.status(out.status).json(out.body);
      } else if (out instanceof JsonText) res.status(status).type('json').send(out.text);
      else if (noBody) res.status(status).end();
      else res.status(status).json(out);
    };
    router[route.method](expressPath(route.path, opts.base), ...(route.before ?? []), run);
  }
}
