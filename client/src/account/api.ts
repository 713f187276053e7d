import type {
  AccountDeleteBody,
  AdminMember,
  EmailChangeBody,
  PendingSignUp,
  PrivacySettings,
  Role,
  Self,
  SiteSettings,
  SiteSettingsPatch,
} from '@commons/shared';
import { api, request } from '../api';

export async function verifyEmail(token: string): Promise<void> {
  await api.post<undefined>('/api/auth/verify-email', { token });
}

export async function resendVerification(): Promise<void> {
  await api.post<undefined>('/api/auth/verify-email/resend');
}

export async function changeEmail(body: EmailChangeBody): Promise<Self> {
  return (await api.post<{ user: Self }>('/api/members/me/email', body)).user;
}

export async function deleteAccount(body: AccountDeleteBody): Promise<void> {
  await request<undefined>('DELETE', '/api/members/me', body);
}

export async function siteSettings(signal?: AbortSignal): Promise<SiteSettings> {
  return (await api.get<{ settings: SiteSettings }>('/api/admin/site-settings', signal)).settings;
}

export async function saveSiteSettings(patch: SiteSettingsPatch): Promise<SiteSettings> {
  return (await api.patch<{ settings: SiteSettings }>('/api/admin/site-settings', patch)).settings;
}

export async function adminMembers(query: string, signal?: AbortSignal): Promise<AdminMember[]> {
  return (await api.get<{ members: AdminMember[] }>(`/api/admin/members${query}`, signal)).members;
}

export async function setMemberRole(id: string, role: Role): Promise<AdminMember> {
  return (await api.patch<{ member: AdminMember }>(`/api/admin/members/${id}/role`, { role })).member;
}

export async function resendMemberVerification(id: string): Promise<void> {
  await api.post<undefined>(`/api/admin/members/${id}/verification`);
}

export async function savePrivacy(body: PrivacySettings): Promise<PrivacySettings> {
  return (await request<{ privacy: PrivacySettings }>('PUT', '/api/members/me/privacy', body)).privacy;
}

export async function pendingSignUps(signal?: AbortSignal): Promise<PendingSignUp[]> {
  return (await api.get<{ signUps: PendingSignUp[] }>('/api/admin/sign-ups', signal)).signUps;
}

export async function approveSignUp(id: string): Promise<AdminMember> {
  return (await api.post<{ member: AdminMember }>(`/api/admin/sign-ups/${id}/approval`)).member;
}

export async function declineSignUp(id: string): Promise<void> {
  await request<undefined>('DELETE', `/api/admin/sign-ups/${id}`);
}
