import type { MailFailure, MailFailureListResponse } from '@commons/shared';
import { trusted, Types } from 'mongoose';
import { z } from 'zod';
import { loadMemberRefs } from '../forums/mentions.js';
import { isAdmin, type Actor } from '../members/actor.js';
import { cursorField, decodeCursor, encodeCursor } from '../http/cursor.js';
import { AppError } from '../http/errors.js';
import { memberIdsByEmail } from '../members/reads.js';
import { MailDeliveryModel, type MailDeliveryFields } from './delivery.model.js';
import { forgetMailMember } from './member-data.js';

const PAGE = 50;
const cursorSchema = z.strictObject({ t: cursorField.time(), i: cursorField.id() });

const cursorOf = (row: Pick<MailDeliveryFields, '_id' | 'updatedAt'>): string =>
  encodeCursor({ t: row.updatedAt.getTime(), i: row._id.toHexString() });

/** Rows written before `permanent` was recorded carry it in the error text. */
const isPermanent = (row: Pick<MailDeliveryFields, 'permanent' | 'error'>) =>
  row.permanent === true || (row.error ?? '').startsWith('permanent:');

/**
 * Failed mail deliveries for administrators: which member, address, kind and error, when, and
 * whether the refusal was permanent (5xx, not retried) or temporary (retried with backoff).
 */
export function createMailFailureService() {
  return {
    /** Deletes this domain's data of a member who deleted their account (members/member-data.ts). */
    forgetMember: forgetMailMember,
    async list(actor: Actor, cursor: string | undefined): Promise<MailFailureListResponse> {
      if (!isAdmin(actor)) throw new AppError('forbidden', 'Only administrators can see mail failures.');
      const filter: Record<string, unknown> = { status: 'failed' };
      if (cursor) {
        const c = decodeCursor(cursorSchema, cursor);
        const at = new Date(c.t);
        filter.$or = [
          { updatedAt: trusted({ $lt: at }) },
          { updatedAt: at, _id: trusted({ $lt: new Types.ObjectId(c.i) }) },
        ];
      }
      const rows = await MailDeliveryModel.find(filter, {
        kind: 1,
        to: 1,
        memberId: 1,
        permanent: 1,
        error: 1,
        attempts: 1,
        updatedAt: 1,
      })
        .sort({ updatedAt: -1, _id: -1 })
        .limit(PAGE + 1)
        .lean<MailDeliveryFields[]>();
      const page = rows.slice(0, PAGE);

      // Account mails (welcome, password reset) record only the address: find its member.
      const unknown = [...new Set(page.filter((r) => !r.memberId).map((r) => r.to.toLowerCase()))];
      const byAddress = await memberIdsByEmail(unknown);
      const memberOf = (r: MailDeliveryFields) => r.memberId?.toHexString() ?? byAddress.get(r.to.toLowerCase());
      const refs = await loadMemberRefs(page.map(memberOf));

      const failures: MailFailure[] = page.map((r) => {
        const id = memberOf(r);
        return {
          id: r._id.toHexString(),
          member: (id && refs.get(id)) || null,
          to: r.to,
          kind: r.kind,
          error: r.error ?? '',
          permanent: isPermanent(r),
          attempts: r.attempts,
          failedAt: r.updatedAt.toISOString(),
        };
      });
      const last = page.at(-1);
      return { failures, nextCursor: rows.length > PAGE && last ? cursorOf(last) : null };
    },
  };
}

export type MailFailureService = ReturnType<typeof createMailFailureService>;
