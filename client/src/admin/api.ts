import type { MailFailureListResponse } from '@commons/shared';
import { api } from '../api';

export function listMailFailures(query: string, signal?: AbortSignal) {
  return api.get<MailFailureListResponse>(`/api/admin/mail-failures${query ? `?${query}` : ''}`, signal);
}
