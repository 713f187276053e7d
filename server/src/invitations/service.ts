import {
  invitationCreateBodySchema,
  localeSchema,
  type Invitation,
  type CsvProblem,
  type InvitationAcceptBody,
  type InvitationCreateBody,
  type InvitationCsvBody,
  type InvitationPreview,
  type Locale,
  type RegisterBody,
  type SiteSettings,
} from '@commons/shared';
import { parse as parseCsv } from 'csv-parse/sync';
import { Types } from 'mongoose';
import { loadMemberRefs } from '../forums/mentions.js';
import type { DomainEvents } from '../infra/domain-events.js';
import { AppError } from '../http/errors.js';
import { memberIdsByEmail, type MemberDoc } from '../members/reads.js';
import { hashInvitationToken, type InvitationLinks } from './links.js';
import { InvitationModel, type InvitationFields } from './model.js';

export interface InvitationActor {
  id: string;
  role: string;
}

/** Lines of one CSV upload at most: a coalition's mailing list, not a marketing list. */
const MAX_CSV_ROWS = 500;

/**
 * Invitations by email (the administrators' console). Each is one row with an expiring link
 * (links.ts); the mail is queued by a listener (invitation.created), in the person's language.
 * Accepting creates the account through the auth service, with the address already confirmed.
 */
export function createInvitationService(deps: {
  events: DomainEvents;
  links: InvitationLinks;
  ttlDays: number;
  site: { settings(): Promise<SiteSettings> };
  audit: (
    actorId: string,
    action: 'invitation.create' | 'invitation.withdraw' | 'invitation.resend',
    invitationId: string,
    details: Record<string, unknown>,
  ) => Promise<void>;
  /** Auth: creates the invited person's account. */
  registerInvited: (input: RegisterBody & { locale: Locale }) => Promise<MemberDoc>;
}) {
  function requireAdmin(actor: InvitationActor): void {
    if (actor.role !== 'admin') throw new AppError('forbidden', 'Only administrators invite people.');
  }

  async function assertOpenForInvitations(): Promise<void> {
    if ((await deps.site.settings()).registrationMode === 'closed')
      throw new AppError('registration_closed', 'This site is not taking new members.', {
        registrationMode: 'closed',
      });
  }

  function statusOf(doc: InvitationFields, now: Date): Invitation['status'] {
    if (doc.acceptedAt) return 'accepted';
    if (doc.withdrawnAt) return 'withdrawn';
    return doc.expiresAt <= now ? 'expired' : 'pending';
  }

  async function present(docs: InvitationFields[]): Promise<Invitation[]> {
    const refs = await loadMemberRefs(docs.map((d) => d.invitedById));
    const now = new Date();
    return docs.map((d) => {
      const inviter = d.invitedById ? refs.get(d.invitedById.toHexString()) : undefined;
      return {
        id: d._id.toHexString(),
        name: d.name,
        email: d.email,
        locale: d.locale,
        status: statusOf(d, now),
        invitedBy: inviter ? { id: inviter.id, displayName: inviter.displayName } : null,
        expiresAt: d.expiresAt.toISOString(),
        acceptedAt: d.acceptedAt?.toISOString() ?? null,
        createdAt: d.createdAt.toISOString(),
      };
    });
  }

  /** A row per person, its hash derived from its own id; then the mail and the audit entry. */
  async function invite(
    actor: InvitationActor,
    people: InvitationCreateBody[],
    replaces?: Types.ObjectId,
  ): Promise<InvitationFields[]> {
    const inviter = (await loadMemberRefs([actor.id])).get(actor.id)?.displayName ?? 'Commons';
    const expiresAt = new Date(Date.now() + deps.ttlDays * 86_400_000);
    const created: InvitationFields[] = [];
    for (const person of people) {
      const _id = new Types.ObjectId();
      const doc = await InvitationModel.create({
        _id,
        email: person.email,
        name: person.name,
        locale: person.locale,
        tokenHash: hashInvitationToken(deps.links.tokenFor(_id.toHexString())),
        invitedById: new Types.ObjectId(actor.id),
        expiresAt,
      });
      const row = doc.toObject<InvitationFields>();
      created.push(row);
      deps.events.publish('invitation.created', {
        invitationId: _id.toHexString(),
        email: row.email,
        name: row.name,
        locale: row.locale,
        inviterName: inviter,
        expiresAt,
      });
      if (replaces)
        await deps.audit(actor.id, 'invitation.resend', _id.toHexString(), { replaces: replaces.toHexString() });
      else await deps.audit(actor.id, 'invitation.create', _id.toHexString(), { email: row.email, locale: row.locale });
    }
    return created;
  }

  /** Addresses that already have an account (such a person is not invited again). */
  async function members(emails: string[]): Promise<Set<string>> {
    const found = await memberIdsByEmail(emails.map((email) => email.toLowerCase()));
    return new Set(emails.filter((email) => found.has(email.toLowerCase())));
  }

  async function pendingByToken(token: string): Promise<InvitationFields> {
    const doc = await InvitationModel.findOne({ tokenHash: hashInvitationToken(token) }).lean<InvitationFields>();
    if (doc?.withdrawnAt && !doc.acceptedAt) throw withdrawn();
    if (!doc || doc.acceptedAt || doc.expiresAt <= new Date())
      throw new AppError('invalid_token', 'This invitation link is invalid, used or expired.');
    return doc;
  }

  const withdrawn = () =>
    new AppError(
      'invitation_withdrawn',
      'This invitation was withdrawn, or replaced by a newer one: use the link in the latest invitation email.',
    );

  /** An invitation an administrator may still withdraw or send again: not accepted, not replaced. */
  async function openInvitation(id: string): Promise<InvitationFields> {
    const doc = Types.ObjectId.isValid(id) ? await InvitationModel.findById(id).lean<InvitationFields>() : null;
    if (!doc || doc.replacedById) throw new AppError('not_found', 'No invitation with this id.');
    if (doc.acceptedAt) throw new AppError('conflict', 'This invitation was accepted already.');
    return doc;
  }

  return {
    /** Withdraws an invitation that was not accepted: its link stops working, with a message saying so. */
    async withdraw(actor: InvitationActor, id: string): Promise<Invitation> {
      requireAdmin(actor);
      const doc = await openInvitation(id);
      if (doc.withdrawnAt) throw new AppError('conflict', 'This invitation was withdrawn already.');
      // Conditional on not accepted: an acceptance at the same moment wins, and this answers 409.
      const updated = await InvitationModel.findOneAndUpdate(
        { _id: doc._id, acceptedAt: null },
        { $set: { withdrawnAt: new Date() } },
        { returnDocument: 'after' },
      ).lean<InvitationFields>();
      if (!updated) throw new AppError('conflict', 'This invitation was accepted already.');
      await deps.audit(actor.id, 'invitation.withdraw', id, {});
      return (await present([updated]))[0]!;
    },

    /**
     * Sends an invitation again (pending, expired or withdrawn): a new invitation with a new link
     * and a new expiry takes its place, and the old link stops working.
     */
    async resend(actor: InvitationActor, id: string): Promise<Invitation> {
      requireAdmin(actor);
      await assertOpenForInvitations();
      const doc = await openInvitation(id);
      if ((await members([doc.email])).size)
        throw new AppError('email_taken', 'Someone with this email address is already a member.', { field: 'email' });
      const old = await InvitationModel.findOneAndUpdate(
        { _id: doc._id, acceptedAt: null, replacedById: doc.replacedById ?? null },
        { $set: { withdrawnAt: doc.withdrawnAt ?? new Date() } },
      ).lean<InvitationFields>();
      if (!old) throw new AppError('conflict', 'This invitation was accepted or sent again already.');
      const [row] = await invite(actor, [{ name: doc.name, email: doc.email, locale: doc.locale }], doc._id);
      await InvitationModel.updateOne({ _id: doc._id }, { $set: { replacedById: row!._id } });
      return (await present([row!]))[0]!;
    },

    /** A deleted account's invitation rows (they hold the address): by the member, and by the address. */
    async forgetMember(memberId: string, opts: { email: string }): Promise<void> {
      await InvitationModel.deleteMany({ memberId: new Types.ObjectId(memberId) });
      await InvitationModel.deleteMany({ email: opts.email.toLowerCase() });
    },

    async list(actor: InvitationActor): Promise<Invitation[]> {
      requireAdmin(actor);
      const docs = await InvitationModel.find({}).sort({ createdAt: -1 }).limit(200).lean<InvitationFields[]>();
      // One row per person: an invitation sent again shows as its newest.
      return present(docs.filter((d) => !d.replacedById));
    },

    async create(actor: InvitationActor, body: InvitationCreateBody): Promise<Invitation> {
      requireAdmin(actor);
      await assertOpenForInvitations();
      if ((await members([body.email])).size)
        throw new AppError('email_taken', 'Someone with this email address is already a member.', { field: 'email' });
      const [row] = await invite(actor, [body]);
      return (await present([row!]))[0]!;
    },

    /** Every line is checked first; one bad line refuses the file and invites nobody. */
    async createFromCsv(actor: InvitationActor, body: InvitationCsvBody): Promise<Invitation[]> {
      requireAdmin(actor);
      await assertOpenForInvitations();
      let rows: string[][];
      try {
        rows = parseCsv(body.csv, { skip_empty_lines: true, trim: true, relax_column_count: true, bom: true });
      } catch (err) {
        throw new AppError('validation_failed', 'The file is not valid CSV.', {
          lines: [{ line: 0, problem: 'unreadable' }],
          reason: err instanceof Error ? err.message : 'unreadable',
        });
      }
      const header = rows[0]?.map((c) => c.toLowerCase());
      const skip = header && header.includes('email') ? 1 : 0;
      const people: { line: number; person: InvitationCreateBody }[] = [];
      // Each problem a code the console translates (CsvProblem in shared/src/site/invitations.ts).
      const problems: { line: number; problem: CsvProblem }[] = [];
      const seen = new Set<string>();
      rows.slice(skip).forEach((cells, i) => {
        const line = i + 1 + skip;
        const [name = '', email = '', language] = cells;
        const locale = language ? localeSchema.safeParse(language.toLowerCase()) : null;
        if (locale && !locale.success) return problems.push({ line, problem: 'invalid_language' });
        const parsed = invitationCreateBodySchema.safeParse({ name, email, locale: locale?.data ?? body.locale });
        if (!parsed.success) {
          const badName = parsed.error.issues.some((x) => x.path[0] === 'name');
          return problems.push({ line, problem: badName ? 'invalid_name' : 'invalid_email' });
        }
        if (seen.has(parsed.data.email)) return problems.push({ line, problem: 'duplicate' });
        seen.add(parsed.data.email);
        return people.push({ line, person: parsed.data });
      });
      if (people.length + problems.length > MAX_CSV_ROWS)
        throw new AppError('validation_failed', `At most ${MAX_CSV_ROWS} people per file.`, { lines: [] });
      const already = await members(people.map((p) => p.person.email));
      for (const p of people)
        if (already.has(p.person.email)) problems.push({ line: p.line, problem: 'already_member' });
      if (problems.length || people.length === 0)
        throw new AppError(
          'validation_failed',
          problems.length ? 'Some lines cannot be used; nobody was invited.' : 'The file has nobody to invite.',
          { lines: problems.sort((a, b) => a.line - b.line) },
        );
      return present(
        await invite(
          actor,
          people.map((p) => p.person),
        ),
      );
    },

    /** What the invitation page shows (no sign-in): 400 for an unknown, used or expired link. */
    async preview(token: string): Promise<InvitationPreview> {
      const doc = await pendingByToken(token);
      return { name: doc.name, email: doc.email, locale: doc.locale, expiresAt: doc.expiresAt.toISOString() };
    },

    /**
     * Claims the invitation (once: a second accept finds it used), then creates the account; if
     * that fails (a weak password, an address taken meanwhile) the claim is undone.
     */
    async accept(body: InvitationAcceptBody): Promise<MemberDoc> {
      const { registrationMode } = await deps.site.settings();
      if (registrationMode === 'closed')
        throw new AppError('registration_closed', 'This site is not taking new members.', { registrationMode });
      const doc = await pendingByToken(body.token);
      const claimed = await InvitationModel.findOneAndUpdate(
        { _id: doc._id, acceptedAt: null },
        { $set: { acceptedAt: new Date() } },
        { returnDocument: 'after' },
      ).lean<InvitationFields>();
      if (!claimed) throw new AppError('invalid_token', 'This invitation link is invalid, used or expired.');
      if (claimed.withdrawnAt) {
        // Withdrawn between the look-up and the claim: give the claim back.
        await InvitationModel.updateOne({ _id: doc._id }, { $set: { acceptedAt: null } });
        throw withdrawn();
      }
      try {
        const member = await deps.registerInvited({
          email: doc.email,
          password: body.password,
          displayName: body.displayName,
          locale: doc.locale,
          ...(body.timeZone ? { timeZone: body.timeZone } : {}),
        });
        await InvitationModel.updateOne({ _id: doc._id }, { $set: { memberId: member._id } });
        return member;
      } catch (err) {
        await InvitationModel.updateOne({ _id: doc._id }, { $set: { acceptedAt: null } });
        throw err;
      }
    },
  };
}

export type InvitationService = ReturnType<typeof createInvitationService>;
