import type { CoalitionBadge } from '@commons/shared';
import { create } from 'zustand';
import { fetchBadges } from './api';

/** How long a member's badges are kept before a page asks again (joining a coalition shows soon). */
const FRESH_MS = 2 * 60_000;
/** The server's limit of members per request. */
const BATCH = 100;

interface BadgeStore {
  /** Whose view these are: badges depend on the viewer (private coalitions, privacy choices). */
  viewerId: string | null;
  byMember: Record<string, CoalitionBadge[]>;
}

/**
 * Coalition badges of the members a page shows, as the signed-in member may see them. Components
 * ask for one member each; the asks of one moment go to the server as one request.
 */
export const useBadges = create<BadgeStore>(() => ({ viewerId: null, byMember: {} }));

const askedAt = new Map<string, number>();
let queue: string[] = [];
let scheduled = false;

function flush(viewerId: string): void {
  scheduled = false;
  while (queue.length) {
    const ids = queue.splice(0, BATCH);
    fetchBadges(ids).then(
      (list) => {
        if (useBadges.getState().viewerId !== viewerId) return;
        const byMember = { ...useBadges.getState().byMember };
        for (const m of list) byMember[m.memberId] = m.coalitions;
        useBadges.setState({ byMember });
      },
      // Badges are a nicety: without them the name still shows; a later page asks again.
      () => ids.forEach((id) => askedAt.delete(id)),
    );
  }
}

/** Asks for a member's badges unless they were asked for recently by the same viewer. */
export function requestBadges(viewerId: string, memberId: string): void {
  if (useBadges.getState().viewerId !== viewerId) {
    askedAt.clear();
    queue = [];
    useBadges.setState({ viewerId, byMember: {} });
  }
  const at = askedAt.get(memberId);
  if (at !== undefined && Date.now() - at < FRESH_MS) return;
  askedAt.set(memberId, Date.now());
  queue.push(memberId);
  if (!scheduled) {
    scheduled = true;
    setTimeout(() => flush(viewerId), 0);
  }
}
