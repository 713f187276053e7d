import type {
  InvitationAcceptBody,
  InvitationPreview,
  LoginBody,
  PasswordResetConfirm,
  PasswordResetRequest,
  RegisterBody,
  RegistrationPendingResponse,
  Self,
} from '@commons/shared';
import { ApiError, api } from '../api';

interface UserResponse {
  user: Self;
}

/** The new account; null while joining is by approval (the sign-up waits, nobody is signed in). */
export async function register(body: RegisterBody): Promise<Self | null> {
  const answer = await api.post<UserResponse | RegistrationPendingResponse>('/api/auth/register', body);
  return 'user' in answer ? answer.user : null;
}

export async function login(body: LoginBody): Promise<Self> {
  return (await api.post<UserResponse>('/api/auth/login', body)).user;
}

export async function logout(): Promise<void> {
  await api.post<undefined>('/api/auth/logout');
}

/** The signed-in member, or null when there is no session. */
export async function fetchMe(): Promise<Self | null> {
  try {
    return (await api.get<UserResponse>('/api/auth/me')).user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function requestPasswordReset(body: PasswordResetRequest): Promise<void> {
  await api.post<undefined>('/api/auth/password-reset', body);
}

export async function confirmPasswordReset(body: PasswordResetConfirm): Promise<void> {
  await api.post<undefined>('/api/auth/password-reset/confirm', body);
}

export async function acceptInvitation(body: InvitationAcceptBody): Promise<Self> {
  return (await api.post<UserResponse>('/api/invitations/accept', body)).user;
}

export async function previewInvitation(token: string): Promise<InvitationPreview> {
  return (await api.post<{ invitation: InvitationPreview }>('/api/invitations/preview', { token })).invitation;
}
