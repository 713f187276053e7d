import { isValidObjectId } from 'mongoose';
import { AppError } from '../http/errors.js';
import { isVisitor } from '../site/viewer.js';
import { CoalitionModel, type CoalitionFields } from './model.js';

/*
 * The coalitions' read rule for a coalition itself (its card: name, description, community,
 * policy, and its roster of active members). Every member reads every coalition, private ones
 * included, so people can find one and ask to join (shared/src/hub/coalitions.ts); pending
 * requests are shown to its admins only (service.ts). A visitor without an account reads none:
 * coalitions are not part of the public face. A coalition's *content* (categories, threads, labs)
 * has its own rule, `canSeeCoalitionContent` in access.ts, used by the forums' and labs' rules.
 *
 * The presenter (service.ts) takes only `ReadableCoalition`, and only this module makes them, so
 * a path that shows a coalition without asking the rule does not compile.
 */

declare const readableBrand: unique symbol;
/** A coalition that passed the read rule for the viewer it is shown to. */
export type ReadableCoalition = CoalitionFields & { readonly [readableBrand]: true };

type Viewer = { id: string };

export const coalitionNotFound = () => new AppError('not_found', 'No coalition with this id.');

const mayReadCoalition = (viewer: Viewer): boolean => !isVisitor(viewer);

/** Of these coalitions, those the viewer may read (order kept). */
export function readableCoalitions(viewer: Viewer, docs: CoalitionFields[]): ReadableCoalition[] {
  return docs.filter(() => mayReadCoalition(viewer)) as ReadableCoalition[];
}

/** The coalition if the viewer may read it, else the same 404 as a wrong id. */
export function readableCoalition(viewer: Viewer, doc: CoalitionFields | null): ReadableCoalition {
  if (!doc || !mayReadCoalition(viewer)) throw coalitionNotFound();
  return doc as ReadableCoalition;
}

/** The coalition by id if the viewer may read it, else the same 404 as a wrong id. */
export async function readableCoalitionOr404(viewer: Viewer, id: string): Promise<ReadableCoalition> {
  const doc = isValidObjectId(id) ? await CoalitionModel.findById(id).lean<CoalitionFields>() : null;
  return readableCoalition(viewer, doc);
}
