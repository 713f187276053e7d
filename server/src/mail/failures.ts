import type { MailFailure, MailFailureListResponse } from '@commons/shared';
import { Types } from 'mongoose';
import { z } from 'zod';
import { loadMemberRefs } from '../forums/mentions.js';
import { isAdmin, type Actor } from '../forums/policy.js';
import { AppError } from '../http/errors.js';
import { MemberModel } from '../members/model.js';
import { MailDeliveryModel, type MailDeliveryFields } from './delivery.model.js';

const PAGE = 50;
const cursorSchema = z.strictObject({ t: z.number().int(), i: z.string().regex(/^[0-9a-f]{24}$/) });

function encodeCursor(row: Pick<MailDeliveryFields, '_id' | 'updatedAt'>): string {
  return Buffer.from(JSON.stringify({ t: row.updatedAt.getTime(), i: row._id.toHexString() })).toString('base64url');
}

function decodeCursor(raw: string): z.infer<typeof cursorSchema> {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw new AppError('validation_failed', 'The cursor is not valid.');
  }
}

/** Rows written before `permanent` was recorded carry it in the error text. */
const isPermanent = (row: Pick<MailDeliveryFields, 'permanent' | 'error'>) =>
  row.permanent === true || (row.error ?? '').startsWith('permanent:');

/**
 * Failed mail deliveries for administrators: which member, address, kind and error, when, and
 * whether the refusal was permanent (5xx, not retried) or temporary (retried with backoff).
 */
export function createMailFailureService() {
  return {
    async list(actor: Actor, cursor: string | undefined): Promise<MailFailureListResponse> {
      if (!isAdmin(actor)) throw new AppError('forbidden', 'Only administrators can see mail failures.');
      const filter: Record<string, unknown> = { status: 'failed' };
      if (cursor) {
        const c = decodeCursor(cursor);
        const at = new Date(c.t);
        filter.$or = [{ updatedAt: { $lt: at } }, { updatedAt: at, _id: { $lt: new Types.ObjectId(c.i) } }];
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
      const byAddress = new Map<string, string>();
      if (unknown.length) {
        const members = await MemberModel.find({ email: { $in: unknown } }, { email: 1 }).lean();
        for (const m of members) byAddress.set(m.email.toLowerCase(), m._id.toHexString());
      }
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
      return { failures, nextCursor: rows.length > PAGE && last ? encodeCursor(last) : null };
    },
  };
}

export type MailFailureService = ReturnType<typeof createMailFailureService>;
