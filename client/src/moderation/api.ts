import type {
  BlockList,
  MemberBlockKind,
  FlagReason,
  ScreeningReason,
  AuditAction,
  AuditEntry,
  FlagBody,
  ModerationItem,
  PostModeration,
  PostStatus,
  ResolveBody,
  Sanction,
  SanctionBody,
} from '@commons/shared';
import { api, request } from '../api';

const id = (value: string) => encodeURIComponent(value);

export const flagPost = (postId: string, body: FlagBody) =>
  api.post<{ flagged: true; postStatus: PostStatus }>(`/api/posts/${id(postId)}/flags`, body);

export const getPostModeration = async (postId: string) =>
  (await api.get<{ moderation: PostModeration }>(`/api/posts/${id(postId)}/moderation`)).moderation;

export const appealPost = async (postId: string, reason: string) =>
  (await api.post<{ moderation: PostModeration }>(`/api/posts/${id(postId)}/appeal`, { reason })).moderation;

export const getQueue = async (signal?: AbortSignal) =>
  (await api.get<{ items: ModerationItem[] }>('/api/moderation/queue', signal)).items;

export const claimItem = async (itemId: string) =>
  (await api.post<{ item: ModerationItem }>(`/api/moderation/items/${id(itemId)}/claim`)).item;

export const resolveItem = async (itemId: string, body: ResolveBody) =>
  (await api.post<{ item: ModerationItem }>(`/api/moderation/items/${id(itemId)}/resolve`, body)).item;

export const resolveItems = async (itemIds: string[], body: ResolveBody) =>
  (
    await api.post<{ results: Array<{ id: string; ok: boolean; code?: string; item?: ModerationItem }> }>(
      '/api/moderation/items/resolve',
      { ...body, itemIds },
    )
  ).results;

export const createSanction = async (body: SanctionBody) =>
  (await api.post<{ sanction: Sanction }>('/api/moderation/sanctions', body)).sanction;

export async function getAudit(filter: { actorId?: string; action?: AuditAction }, signal?: AbortSignal) {
  const search = new URLSearchParams();
  if (filter.actorId) search.set('actorId', filter.actorId);
  if (filter.action) search.set('action', filter.action);
  const text = search.toString();
  return (await api.get<{ entries: AuditEntry[] }>(`/api/moderation/audit${text ? `?${text}` : ''}`, signal)).entries;
}

export const getBlocks = () => api.get<BlockList>('/api/members/me/blocks');

/** Blocks or mutes a member (`on`), or undoes it. */
export const setMemberBlock = (memberId: string, kind: MemberBlockKind, on: boolean) =>
  request<unknown>(on ? 'PUT' : 'DELETE', `/api/members/${id(memberId)}/${kind}`);

/** The catalogue key of a flag or screening reason (the server sends them as strings). */
export const reasonKey = (reason: string) => `moderation.reasons.${reason as FlagReason | ScreeningReason}` as const;
