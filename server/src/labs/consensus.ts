import type { ConsensusTally } from '@commons/shared';
import { trusted, type Types } from 'mongoose';
import {
  LabConsensusCheckModel,
  LabConsensusModel,
  type ConsensusCheckLean,
  type ConsensusVoteFields,
  type LabLean,
} from './model.js';
import { memberNames, ref } from './present.js';

/** How one consensus check runs. */
export interface CheckSettings {
  proposal: string;
  anonymous: boolean;
  quorum: number | null;
  hidden: boolean;
  closed: boolean;
}

const defaults: CheckSettings = { proposal: '', anonymous: true, quorum: null, hidden: false, closed: false };

/** The settings of the checks at these phases (defaults where facilitators set nothing). */
export async function checkSettings(labId: Types.ObjectId, phases: number[]): Promise<Map<number, CheckSettings>> {
  const rows =
    phases.length === 0
      ? []
      : await LabConsensusCheckModel.find({ labId, phaseIndex: trusted({ $in: phases }) }).lean<ConsensusCheckLean[]>();
  const byPhase = new Map(rows.map((r) => [r.phaseIndex, r]));
  return new Map(
    phases.map((i) => {
      const r = byPhase.get(i);
      return [
        i,
        // Fields never set on a row read as their defaults (an upsert need not have written them).
        r
          ? {
              proposal: r.proposal ?? defaults.proposal,
              anonymous: r.anonymous ?? defaults.anonymous,
              quorum: r.quorum ?? defaults.quorum,
              hidden: r.hidden ?? defaults.hidden,
              closed: r.closed ?? defaults.closed,
            }
          : { ...defaults },
      ];
    }),
  );
}

/** A check is over once its phase is: the lab moved on or ended. */
export const checkIsOver = (lab: Pick<LabLean, 'status' | 'phaseIndex'>, phaseIndex: number) =>
  lab.status !== 'live' || lab.phaseIndex !== phaseIndex;

/** The consensus phases reached so far, oldest first. */
export function consensusPhases(lab: Pick<LabLean, 'agenda' | 'phaseIndex'>): number[] {
  return lab.agenda.flatMap((item, index) => (item.kind === 'consensus' && index <= lab.phaseIndex ? [index] : []));
}

type Vote = Pick<ConsensusVoteFields, 'memberId' | 'choice' | 'reason' | 'anonymous'>;

/**
 * The answers of one check, tallied: a single block blocks, and below the quorum there is no
 * result. While results are hidden (until the check closes) only the number of answers shows.
 * Names show only for a check that is not anonymous, and never for an answer given while it was.
 */
export async function tallyCheck(
  lab: Pick<LabLean, '_id' | 'agenda' | 'status' | 'phaseIndex'>,
  phaseIndex: number,
  settings: CheckSettings,
): Promise<ConsensusTally> {
  return (await tallyCheckWithVotes(lab, phaseIndex, settings)).tally;
}

/** The tally and the answers it was made from (each member's own answer, for the room's model). */
export async function tallyCheckWithVotes(
  lab: Pick<LabLean, '_id' | 'agenda' | 'status' | 'phaseIndex'>,
  phaseIndex: number,
  settings: CheckSettings,
): Promise<{ tally: ConsensusTally; votes: Vote[] }> {
  const votes = await LabConsensusModel.find({ labId: lab._id, phaseIndex })
    .sort({ updatedAt: 1, _id: 1 })
    .lean<Vote[]>();
  const closed = settings.closed || checkIsOver(lab, phaseIndex);
  const counts = { agree: 0, abstain: 0, disagree: 0, block: 0 };
  for (const v of votes) counts[v.choice]++;
  const masked = settings.hidden && !closed;
  const outcome = masked
    ? 'pending'
    : votes.length === 0
      ? 'no_votes'
      : settings.quorum !== null && votes.length < settings.quorum
        ? 'no_quorum'
        : counts.block > 0
          ? 'blocked'
          : counts.disagree === 0 && counts.agree > 0
            ? 'agreed'
            : 'not_agreed';
  const named = settings.anonymous || masked ? [] : votes.filter((v) => v.anonymous === false);
  const names = await memberNames(named.map((v) => v.memberId));
  const tally: ConsensusTally = {
    phaseIndex,
    title: lab.agenda[phaseIndex]?.title ?? '',
    proposal: settings.proposal,
    counts: masked ? { agree: 0, abstain: 0, disagree: 0, block: 0 } : counts,
    blockReasons: masked ? [] : votes.filter((v) => v.choice === 'block').map((v) => v.reason),
    outcome,
    total: votes.length,
    quorum: settings.quorum,
    anonymous: settings.anonymous,
    hidden: settings.hidden,
    closed,
    voters: named.map((v) => ({ member: ref(v.memberId, names), choice: v.choice })),
  };
  return { tally, votes };
}

/** Every check reached so far, each by its own settings. */
export async function tallyChecks(
  lab: Pick<LabLean, '_id' | 'agenda' | 'status' | 'phaseIndex'>,
  reveal = false,
): Promise<ConsensusTally[]> {
  const phases = consensusPhases(lab);
  const settings = await checkSettings(lab._id, phases);
  return Promise.all(
    phases.map((i) => {
      const s = settings.get(i)!;
      return tallyCheck(lab, i, reveal ? { ...s, hidden: false, closed: true } : s);
    }),
  );
}
