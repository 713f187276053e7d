import type { Role } from '@commons/shared';
import { isVisitor } from '../site/viewer.js';
import type { EventLean } from './model.js';

/*
 * The events' read rule, the one place that decides who may read an event and how much of it:
 * - every event (scheduled, cancelled or past) is for every member, and for a visitor without an
 *   account while the site's public face is open (site/viewer.ts builds a visitor only then; a
 *   suspended member reads as one);
 * - the online meeting link is for members only: a visitor reads what, when and where, and is
 *   asked to join before they get the link (the presenter leaves it out, `withLink`).
 * Events have no private state today; when they get one, it is decided here. Blocks govern
 * contact, not reading, as in the forums.
 *
 * The presenter and the calendar file (service.ts) take only `ReadableEvent`, and only this module
 * makes them, so a path that shows an event without asking the rule does not compile.
 */

declare const readableBrand: unique symbol;
/** An event that passed the read rule for the viewer it is shown to. */
export type ReadableEvent = EventLean & { readonly [readableBrand]: true; readonly withLink: boolean };

type Viewer = { id: string; role: Role };

export function readableEvent(viewer: Viewer, doc: EventLean): ReadableEvent {
  return { ...doc, withLink: !isVisitor(viewer) } as ReadableEvent;
}

/** Of these events, those the viewer may read (order kept), each with what of it they may see. */
export function readableEvents(viewer: Viewer, docs: EventLean[]): ReadableEvent[] {
  return docs.map((d) => readableEvent(viewer, d));
}
