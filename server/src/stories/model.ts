import { resourceTopics, type ResourceTopic } from '@commons/shared';
import mongoose, { Schema, type Types } from 'mongoose';

export interface StoryFields {
  _id: Types.ObjectId;
  title: string;
  body: string;
  html: string;
  /** Plain text of the start of the story, for lists. */
  excerpt: string;
  community: string;
  topics: ResourceTopic[];
  authorId: Types.ObjectId;
  featured: boolean;
  threadId: Types.ObjectId | null;
  /** Uploaded images the story shows (they are readable by every member once published). */
  imageIds: Types.ObjectId[];
  terms: string[];
  createdAt: Date;
  updatedAt: Date;
}

const storySchema = new Schema<StoryFields>(
  {
    title: { type: String, required: true },
    body: { type: String, required: true },
    html: { type: String, required: true },
    excerpt: { type: String, default: '' },
    community: { type: String, required: true },
    topics: { type: [String], enum: resourceTopics, default: [] },
    authorId: { type: Schema.Types.ObjectId, required: true },
    featured: { type: Boolean, default: false },
    threadId: { type: Schema.Types.ObjectId, default: null },
    imageIds: { type: [Schema.Types.ObjectId], default: [] },
    terms: { type: [String], default: [] },
  },
  { timestamps: true },
);
storySchema.index({ createdAt: -1, _id: -1 });
storySchema.index({ featured: 1, createdAt: -1 });
storySchema.index({ authorId: 1, createdAt: -1 });
storySchema.index({ imageIds: 1 });

export const StoryModel = mongoose.model<StoryFields>('Story', storySchema);
