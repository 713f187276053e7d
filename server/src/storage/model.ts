import { uploadKinds, type UploadKind } from '@commons/shared';
import mongoose, { Schema, type Types } from 'mongoose';

export interface UploadFields {
  _id: Types.ObjectId;
  ownerId: Types.ObjectId;
  /** The Storage key. */
  key: string;
  /** The name the member's file had (display only). */
  name: string;
  mime: string;
  kind: UploadKind;
  size: number;
  createdAt: Date;
}

const uploadSchema = new Schema<UploadFields>(
  {
    ownerId: { type: Schema.Types.ObjectId, required: true },
    key: { type: String, required: true },
    name: { type: String, required: true },
    mime: { type: String, required: true },
    kind: { type: String, enum: uploadKinds, required: true },
    size: { type: Number, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
uploadSchema.index({ ownerId: 1, createdAt: -1 });

export const UploadModel = mongoose.model<UploadFields>('Upload', uploadSchema);
