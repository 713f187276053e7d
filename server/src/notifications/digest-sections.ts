import type { Role } from '@commons/shared';
import { labDigestSections, type LabDigestSections } from '../labs/reads.js';
import type { DigestSharedReads } from './digest-shared-reads.js';

export interface DigestHubSections extends LabDigestSections {
  /** Resources approved into the library since the last digest. */
  newResources: { id: string; title: string }[];
}

export function isEmptyHub(s: DigestHubSections): boolean {
  return !s.upcomingLabs.length && !s.labOutcomes.length && !s.actionItems.length && !s.newResources.length;
}

/**
 * The hub's part of a digest, each section from its own domain and by its read rule: the labs
 * (labs/digest.ts) and the library's approved resources, cut from the run's shared reads.
 */
export async function collectHubSections(
  reader: { id: string; role: Role },
  since: Date,
  at: Date,
  shared: Pick<DigestSharedReads, 'newResources' | 'upcomingLabs' | 'labParticipantIds' | 'actionOwnerIds'>,
): Promise<DigestHubSections> {
  const [upcoming, participants, actionOwners, resources] = await Promise.all([
    shared.upcomingLabs(at),
    shared.labParticipantIds(at),
    shared.actionOwnerIds(at),
    shared.newResources(since, at),
  ]);
  const labs = await labDigestSections(reader, since, at, { upcoming, participants, actionOwners });
  return { ...labs, newResources: resources.map((r) => ({ id: r._id.toHexString(), title: r.title })) };
}
