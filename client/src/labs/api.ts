import type {
  ActionCreateBody,
  ActionItem,
  ActionPatchBody,
  Lab,
  LabCreateBody,
  LabOutcome,
  LabPatchBody,
  OutcomeCreateBody,
  RsvpChoice,
} from '@commons/shared';
import { api, request } from '../api';

const id = (value: string) => encodeURIComponent(value);

export const labPath = (labId: string) => `/labs/${id(labId)}`;
export const roomPath = (labId: string) => `/labs/${id(labId)}/room`;
export const calendarUrl = (labId: string) => `/api/labs/${id(labId)}/calendar.ics`;

export async function fetchLabs(when: 'upcoming' | 'past', signal?: AbortSignal): Promise<Lab[]> {
  return (await api.get<{ labs: Lab[] }>(`/api/labs?when=${when}`, signal)).labs;
}

export async function fetchLab(labId: string, signal?: AbortSignal): Promise<Lab> {
  return (await api.get<{ lab: Lab }>(`/api/labs/${id(labId)}`, signal)).lab;
}

export async function createLab(body: LabCreateBody): Promise<Lab> {
  return (await api.post<{ lab: Lab }>('/api/labs', body)).lab;
}

export async function updateLab(labId: string, patch: LabPatchBody): Promise<Lab> {
  return (await api.patch<{ lab: Lab }>(`/api/labs/${id(labId)}`, patch)).lab;
}

export async function cancelLab(labId: string): Promise<Lab> {
  return (await api.post<{ lab: Lab }>(`/api/labs/${id(labId)}/cancel`)).lab;
}

export async function rsvp(labId: string, status: RsvpChoice): Promise<Lab> {
  return (await request<{ lab: Lab }>('PUT', `/api/labs/${id(labId)}/rsvp`, { status })).lab;
}

export async function createAction(labId: string, body: ActionCreateBody): Promise<ActionItem> {
  return (await api.post<{ action: ActionItem }>(`/api/labs/${id(labId)}/actions`, body)).action;
}

export async function updateAction(labId: string, actionId: string, patch: ActionPatchBody): Promise<ActionItem> {
  return (await api.patch<{ action: ActionItem }>(`/api/labs/${id(labId)}/actions/${id(actionId)}`, patch)).action;
}

export async function fetchActions(labId: string, signal?: AbortSignal): Promise<ActionItem[]> {
  return (await api.get<{ actions: ActionItem[] }>(`/api/labs/${id(labId)}/actions`, signal)).actions;
}

export async function inviteMembers(labId: string, memberIds: string[]): Promise<string[]> {
  return (await api.post<{ invitedIds: string[] }>(`/api/labs/${id(labId)}/invitations`, { memberIds })).invitedIds;
}

export async function fetchOutcomes(labId: string, signal?: AbortSignal): Promise<LabOutcome[]> {
  return (await api.get<{ outcomes: LabOutcome[] }>(`/api/labs/${id(labId)}/outcomes`, signal)).outcomes;
}

export async function createOutcome(labId: string, body: OutcomeCreateBody): Promise<LabOutcome> {
  return (await api.post<{ outcome: LabOutcome }>(`/api/labs/${id(labId)}/outcomes`, body)).outcome;
}
