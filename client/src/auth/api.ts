import type { LoginBody, PasswordResetConfirm, PasswordResetRequest, RegisterBody, Self } from '@commons/shared';
import { ApiError, api } from '../api';

interface UserResponse {
  user: Self;
}

export async function register(body: RegisterBody): Promise<Self> {
  return (await api.post<UserResponse>('/api/auth/register', body)).user;
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
