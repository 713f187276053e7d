import {
  resourceAudiences,
  resourceLanguages,
  resourceStatuses,
  resourceTopics,
  resourceTypes,
  type ResourceAudience,
  type ResourceLanguage,
  type ResourceStatus,
  type ResourceTopic,
  type ResourceType,
} from '@commons/shared';
import mongoose, { Schema, type Types } from 'mongoose';

export interface ResourceFields {
  _id: Types.ObjectId;
  title: string;
  summary: string;
  url: string | null;
  fileId: Types.ObjectId | null;
  type: ResourceType;
  topics: ResourceTopic[];
  audiences: ResourceAudience[];
  language: ResourceLanguage;
  organisation: string;
  status: ResourceStatus;
  submittedById: Types.ObjectId;
  reviewerId: Types.ObjectId | null;
  reviewNote: string | null;
  reviewedAt: Date | null;
  approvedAt: Date | null;
  /** The discussion thread, opened on approval. */
  threadId: Types.ObjectId | null;
  /** When a process started opening the thread (so two never open one each). */
  threadClaimAt: Date | null;
  featured: boolean;
  saveCount: number;
  usefulCount: number;
  /** Search terms of title, summary and organisation (see search/terms.ts). */
  terms: string[];
  titleTerms: string[];
  /** Set on rows of a CSV import, so a failed import is removed by its batch id. */
  importBatchId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const resourceSchema = new Schema<ResourceFields>(
  {
    title: { type: String, required: true },
    summary: { type: String, required: true },
    url: { type: String, default: null },
    fileId: { type: Schema.Types.ObjectId, default: null },
    type: { type: String, enum: resourceTypes, required: true },
    topics: { type: [String], enum: resourceTopics, default: [] },
    audiences: { type: [String], enum: resourceAudiences, default: [] },
    language: { type: String, enum: resourceLanguages, required: true },
    organisation: { type: String, default: '' },
    status: { type: String, enum: resourceStatuses, default: 'pending' },
    submittedById: { type: Schema.Types.ObjectId, required: true },
    reviewerId: { type: Schema.Types.ObjectId, default: null },
    reviewNote: { type: String, default: null },
    reviewedAt: { type: Date, default: null },
    approvedAt: { type: Date, default: null },
    threadId: { type: Schema.Types.ObjectId, default: null },
    threadClaimAt: { type: Date, default: null },
    featured: { type: Boolean, default: false },
    saveCount: { type: Number, default: 0 },
    usefulCount: { type: Number, default: 0 },
    terms: { type: [String], default: [] },
    titleTerms: { type: [String], default: [] },
    importBatchId: { type: String, default: null },
  },
  { timestamps: true },
);
resourceSchema.index({ status: 1, approvedAt: -1 });
resourceSchema.index({ terms: 1 });
resourceSchema.index({ submittedById: 1, createdAt: -1 });
resourceSchema.index({ importBatchId: 1 });
resourceSchema.index({ featured: 1, approvedAt: -1 });

export const ResourceModel = mongoose.model<ResourceFields>('Resource', resourceSchema);

export const markKinds = ['save', 'useful'] as const;
export type MarkKind = (typeof markKinds)[number];

/** A member's save ("my library") or "useful" mark on a resource; one of each per member. */
export interface ResourceMarkFields {
  resourceId: Types.ObjectId;
  memberId: Types.ObjectId;
  kind: MarkKind;
  createdAt: Date;
}

const markSchema = new Schema<ResourceMarkFields>(
  {
    resourceId: { type: Schema.Types.ObjectId, required: true },
    memberId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: markKinds, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false } },
);
markSchema.index({ resourceId: 1, memberId: 1, kind: 1 }, { unique: true });
markSchema.index({ memberId: 1, kind: 1, createdAt: -1 });

export const ResourceMarkModel = mongoose.model<ResourceMarkFields>('ResourceMark', markSchema);
