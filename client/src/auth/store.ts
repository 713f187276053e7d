import type { InvitationAcceptBody, LoginBody, RegisterBody, Self } from '@commons/shared';
import { create } from 'zustand';
import { ApiError } from '../api';
import { setLanguage } from '../i18n';
import { connectSocket, disconnectSocket, socket } from '../socket';
import * as authApi from './api';

export type AuthStatus = 'loading' | 'signedIn' | 'signedOut';

interface AuthStore {
  status: AuthStatus;
  user: Self | null;
  /** Asks the server who is signed in (on start). Failures leave the visitor signed out. */
  load: () => Promise<void>;
  signIn: (body: LoginBody) => Promise<Self>;
  /** Signs up; null when the sign-up waits for an administrator (nobody is signed in then). */
  register: (body: RegisterBody) => Promise<Self | null>;
  /** Accepts an emailed invitation: the account is created and signed in. */
  acceptInvitation: (body: InvitationAcceptBody) => Promise<Self>;
  signOut: () => Promise<void>;
  /** Replaces the signed-in member after a profile change. */
  setUser: (user: Self) => void;
}

function signedIn(user: Self): Pick<AuthStore, 'status' | 'user'> {
  setLanguage(user.locale);
  connectSocket();
  return { status: 'signedIn', user };
}

function signedOut(): Pick<AuthStore, 'status' | 'user'> {
  disconnectSocket();
  return { status: 'signedOut', user: null };
}

export const useAuth = create<AuthStore>((set) => ({
  status: 'loading',
  user: null,
  load: async () => {
    try {
      const user = await authApi.fetchMe();
      set(user ? signedIn(user) : signedOut());
    } catch {
      set(signedOut());
    }
  },
  signIn: async (body) => {
    const user = await authApi.login(body);
    set(signedIn(user));
    return user;
  },
  register: async (body) => {
    const user = await authApi.register(body);
    if (user) set(signedIn(user));
    return user;
  },
  acceptInvitation: async (body) => {
    const user = await authApi.acceptInvitation(body);
    set(signedIn(user));
    return user;
  },
  signOut: async () => {
    try {
      await authApi.logout();
    } catch (error) {
      // 401: the session had already ended, which is what we wanted.
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    }
    set(signedOut());
  },
  setUser: (user) => {
    if (user.locale !== useAuth.getState().user?.locale) setLanguage(user.locale);
    set({ user });
  },
}));

// The server ended the session (signed out elsewhere, suspended): forget the member here too.
socket.on('session:ended', () => {
  useAuth.setState(signedOut());
});
