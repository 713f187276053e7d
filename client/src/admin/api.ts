import type {
  AdminMember,
  AdminSuspendBody,
  AdminUnsuspendBody,
  Category,
  CategoryCreateBody,
  CategoryPatchBody,
  Invitation,
  InvitationCreateBody,
  InvitationCsvBody,
  MailFailureListResponse,
  Webhook,
  WebhookCreateBody,
  WebhookPatchBody,
} from '@commons/shared';
import { api, request } from '../api';

export function listMailFailures(query: string, signal?: AbortSignal) {
  return api.get<MailFailureListResponse>(`/api/admin/mail-failures${query ? `?${query}` : ''}`, signal);
}

export async function suspendMember(id: string, body: AdminSuspendBody): Promise<AdminMember> {
  return (await api.post<{ member: AdminMember }>(`/api/admin/members/${id}/suspension`, body)).member;
}

export async function liftSuspension(id: string, body: AdminUnsuspendBody): Promise<AdminMember> {
  return (await request<{ member: AdminMember }>('DELETE', `/api/admin/members/${id}/suspension`, body)).member;
}

export async function listInvitations(signal?: AbortSignal): Promise<Invitation[]> {
  return (await api.get<{ invitations: Invitation[] }>('/api/admin/invitations', signal)).invitations;
}

export async function invite(body: InvitationCreateBody): Promise<Invitation> {
  return (await api.post<{ invitation: Invitation }>('/api/admin/invitations', body)).invitation;
}

export async function withdrawInvitation(id: string): Promise<Invitation> {
  return (await api.post<{ invitation: Invitation }>(`/api/admin/invitations/${id}/withdrawal`)).invitation;
}

/** A new invitation (new link) in place of `id`, whose link stops working. */
export async function resendInvitation(id: string): Promise<Invitation> {
  return (await api.post<{ invitation: Invitation }>(`/api/admin/invitations/${id}/resend`)).invitation;
}

export async function inviteFromCsv(body: InvitationCsvBody): Promise<Invitation[]> {
  return (await api.post<{ invitations: Invitation[] }>('/api/admin/invitations/csv', body)).invitations;
}

export async function allCategories(signal?: AbortSignal): Promise<Category[]> {
  return (await api.get<{ categories: Category[] }>('/api/categories?includeArchived=true', signal)).categories;
}

export async function createCategory(body: CategoryCreateBody): Promise<Category> {
  return (await api.post<{ category: Category }>('/api/categories', body)).category;
}

export async function updateCategory(id: string, patch: CategoryPatchBody): Promise<Category> {
  return (await api.patch<{ category: Category }>(`/api/categories/${id}`, patch)).category;
}

export async function listWebhooks(signal?: AbortSignal): Promise<Webhook[]> {
  return (await api.get<{ webhooks: Webhook[] }>('/api/webhooks', signal)).webhooks;
}

export async function createWebhook(body: WebhookCreateBody): Promise<{ webhook: Webhook; secret: string }> {
  return api.post<{ webhook: Webhook; secret: string }>('/api/webhooks', body);
}

export async function updateWebhook(id: string, patch: WebhookPatchBody): Promise<Webhook> {
  return (await api.patch<{ webhook: Webhook }>(`/api/webhooks/${id}`, patch)).webhook;
}

export async function testWebhook(id: string): Promise<void> {
  await api.post<unknown>(`/api/webhooks/${id}/test`);
}
