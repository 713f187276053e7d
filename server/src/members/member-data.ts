/** What a member chose when deleting their account (see README, "Privacy"). */
export interface ForgetOptions {
  /** The address the account had (mail records are kept by address). */
  email: string;
  /** Also delete what they wrote in public (posts, resources, stories); otherwise it stays as "former member". */
  deleteContent: boolean;
}

/**
 * A domain that holds data about members deletes its own part through its service: the members
 * service calls each in turn when a member deletes their account, and never reads their models.
 */
export interface MemberDataOwner {
  forgetMember(memberId: string, opts: ForgetOptions): Promise<void>;
}

/** A domain holding member data, by the name its part has in the export file. */
export interface MemberDataDomain {
  name: string;
  service: MemberDataOwner & Partial<MemberDataExporter>;
}

/** One domain's part of a member's data export: named lists of plain JSON records. */
export type ExportSection = Record<string, unknown[]>;

/** A domain that can export what it holds about a member (GET /api/members/me/export). */
export interface MemberDataExporter {
  exportMember(memberId: string): Promise<ExportSection>;
}

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
const hex = (id: { toHexString(): string } | null | undefined): string | null => (id ? id.toHexString() : null);
/** Helpers the domains share to write their export records. */
export const exportValue = { iso, hex };
