import mongoose, { Schema, type Types } from 'mongoose';

/** One member following another (their threads and resources show on the follower's home). */
export interface FollowFields {
  followerId: Types.ObjectId;
  followeeId: Types.ObjectId;
  createdAt: Date;
}

const followSchema = new Schema<FollowFields>(
  {
    followerId: { type: Schema.Types.ObjectId, required: true },
    followeeId: { type: Schema.Types.ObjectId, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
followSchema.index({ followerId: 1, followeeId: 1 }, { unique: true });
followSchema.index({ followeeId: 1 });

export const FollowModel = mongoose.model<FollowFields>('MemberFollow', followSchema, 'member_follows');
