import {
  coalitionRoles,
  coalitionVisibilities,
  joinPolicies,
  membershipStatuses,
  type CoalitionRole,
  type CoalitionVisibility,
  type JoinPolicy,
  type MembershipStatus,
} from '@commons/shared';
import mongoose, { Schema, type Types } from 'mongoose';

export interface CoalitionFields {
  _id: Types.ObjectId;
  name: string;
  /** The name folded (lower-case, no accents), unique: two coalitions never share a name. */
  nameKey: string;
  description: string;
  community: string;
  joinPolicy: JoinPolicy;
  /** Private: its categories, threads, posts and labs are for its active members (and staff) only. */
  visibility: CoalitionVisibility;
  createdById: Types.ObjectId;
  /** Active members (kept with $inc beside each membership change). */
  memberCount: number;
  createdAt: Date;
  updatedAt: Date;
}

const coalitionSchema = new Schema<CoalitionFields>(
  {
    name: { type: String, required: true },
    nameKey: { type: String, required: true },
    description: { type: String, default: '' },
    community: { type: String, default: '' },
    joinPolicy: { type: String, enum: joinPolicies, required: true },
    visibility: { type: String, enum: coalitionVisibilities, default: 'public' },
    createdById: { type: Schema.Types.ObjectId, required: true },
    memberCount: { type: Number, default: 0 },
  },
  { timestamps: true },
);
coalitionSchema.index({ nameKey: 1 }, { unique: true });
coalitionSchema.index({ visibility: 1 });

export const CoalitionModel = mongoose.model<CoalitionFields>('Coalition', coalitionSchema);

export interface MembershipFields {
  _id: Types.ObjectId;
  coalitionId: Types.ObjectId;
  memberId: Types.ObjectId;
  role: CoalitionRole;
  status: MembershipStatus;
  createdAt: Date;
  updatedAt: Date;
}

const membershipSchema = new Schema<MembershipFields>(
  {
    coalitionId: { type: Schema.Types.ObjectId, required: true },
    memberId: { type: Schema.Types.ObjectId, required: true },
    role: { type: String, enum: coalitionRoles, default: 'member' },
    status: { type: String, enum: membershipStatuses, required: true },
  },
  { timestamps: true },
);
membershipSchema.index({ coalitionId: 1, memberId: 1 }, { unique: true });
membershipSchema.index({ memberId: 1 });
membershipSchema.index({ coalitionId: 1, status: 1, createdAt: 1 });

export const MembershipModel = mongoose.model<MembershipFields>(
  'CoalitionMembership',
  membershipSchema,
  'coalition_memberships',
);
