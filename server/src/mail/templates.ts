import type { MailJob } from '@commons/shared';
import type { OutgoingMail } from '../infra/mail.js';
import { formatDateTime, translator } from '../infra/i18n.js';
import { labMailRenderers } from '../labs/mail.js';
import { renderLayout } from './layout.js';

type Renderers = { [K in MailJob['kind']]: (job: Extract<MailJob, { kind: K }>, site: Site) => OutgoingMail };
export interface Site {
  name: string;
  url: string;
  /** Derives a password-reset link from its request id (only where account mails are sent). */
  resetUrl?: (resetId: string) => string;
  /** Derives an invitation link from the invitation's id (likewise). */
  invitationUrl?: (invitationId: string) => string;
}

function resetUrlOf(site: Site, resetId: string): string {
  if (!site.resetUrl) throw new Error('password-reset mail rendered where reset links cannot be derived');
  return site.resetUrl(resetId);
}

/** One renderer per mail kind, each in the recipient's language. */
const renderers: Renderers = {
  invitation(job, site) {
    if (!site.invitationUrl) throw new Error('invitation mail rendered where invitation links cannot be derived');
    const t = translator(job.locale);
    const subject = t('email.invitation.subject', { site: site.name });
    // No member yet, so no zone of theirs: the date alone, which reads the same everywhere.
    const expires = new Intl.DateTimeFormat(job.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(
      new Date(job.expiresAt),
    );
    const { html, text } = renderLayout(
      {
        locale: job.locale,
        title: subject,
        paragraphs: [
          t('email.invitation.greeting', { name: job.name }),
          t('email.invitation.body', { inviter: job.inviterName, site: site.name, expires }),
        ],
        action: { label: t('email.invitation.action'), url: site.invitationUrl(job.invitationId) },
        after: [t('email.invitation.ignore')],
      },
      site,
    );
    return { to: job.to, subject, html, text };
  },
  password_reset(job, site) {
    const t = translator(job.locale);
    const expires = formatDateTime(new Date(job.expiresAt), job.locale, job.timeZone);
    const { html, text } = renderLayout(
      {
        locale: job.locale,
        title: t('email.passwordReset.subject', { site: site.name }),
        paragraphs: [
          t('email.passwordReset.greeting', { name: job.displayName }),
          t('email.passwordReset.body', { expires }),
        ],
        action: { label: t('email.passwordReset.action'), url: resetUrlOf(site, job.resetId) },
        after: [t('email.passwordReset.ignore')],
      },
      site,
    );
    return { to: job.to, subject: t('email.passwordReset.subject', { site: site.name }), html, text };
  },
  welcome(job, site) {
    const t = translator(job.locale);
    const { html, text } = renderLayout(
      {
        locale: job.locale,
        title: t('email.welcome.subject', { site: site.name }),
        paragraphs: [
          t('email.welcome.greeting', { name: job.displayName }),
          ...(job.approved ? [t('email.welcome.approved', { site: site.name })] : []),
          t('email.welcome.body'),
        ],
        action: { label: t('email.welcome.action', { site: site.name }), url: job.siteUrl },
      },
      site,
    );
    return { to: job.to, subject: t('email.welcome.subject', { site: site.name }), html, text };
  },
  sign_up_received(job, site) {
    const t = translator(job.locale);
    const subject = t('email.signUpReceived.subject', { site: site.name });
    const { html, text } = renderLayout(
      {
        locale: job.locale,
        title: subject,
        paragraphs: [
          t('email.signUpReceived.greeting', { name: job.displayName }),
          t('email.signUpReceived.body', { site: site.name }),
        ],
        after: [t('email.signUpReceived.ignore')],
      },
      site,
    );
    return { to: job.to, subject, html, text };
  },
  verify_email(job, site) {
    const t = translator(job.locale);
    const subject = t('email.verifyEmail.subject', { site: site.name });
    const expires = formatDateTime(new Date(job.expiresAt), job.locale, job.timeZone);
    const { html, text } = renderLayout(
      {
        locale: job.locale,
        title: subject,
        paragraphs: [
          t('email.verifyEmail.greeting', { name: job.displayName }),
          t('email.verifyEmail.body', { site: site.name, expires }),
        ],
        action: { label: t('email.verifyEmail.action'), url: job.verifyUrl },
        after: [t('email.verifyEmail.ignore')],
      },
      site,
    );
    return { to: job.to, subject, html, text };
  },
  email_changed(job, site) {
    const t = translator(job.locale);
    const subject = t('email.emailChanged.subject', { site: site.name });
    const { html, text } = renderLayout(
      {
        locale: job.locale,
        title: subject,
        paragraphs: [
          t('email.emailChanged.greeting', { name: job.displayName }),
          t('email.emailChanged.body', { site: site.name, email: job.newEmail }),
          t('email.emailChanged.notYou'),
        ],
        action: { label: t('email.emailChanged.action'), url: job.resetUrl },
      },
      site,
    );
    return { to: job.to, subject, html, text };
  },
  moderation_alert(job, site) {
    const t = translator(job.locale);
    const subject = t('email.moderationAlert.subject', { site: site.name });
    const { html, text } = renderLayout(
      {
        locale: job.locale,
        title: subject,
        paragraphs: [
          t('email.moderationAlert.greeting', { name: job.displayName }),
          t('email.moderationAlert.body', { reason: job.reason }),
        ],
        action: { label: t('email.moderationAlert.action'), url: job.reviewUrl },
      },
      site,
    );
    return { to: job.to, subject, html, text };
  },
  webhook_disabled(job, site) {
    const t = translator(job.locale);
    const subject = t('email.webhookDisabled.subject', { site: site.name });
    const { html, text } = renderLayout(
      {
        locale: job.locale,
        title: subject,
        paragraphs: [
          t('email.webhookDisabled.greeting', { name: job.displayName }),
          t('email.webhookDisabled.body', {
            url: job.webhookUrl,
            failures: job.failures,
            site: site.name,
            error: job.lastError,
          }),
          t('email.webhookDisabled.next'),
        ],
        action: { label: t('email.webhookDisabled.action'), url: job.settingsUrl },
      },
      site,
    );
    return { to: job.to, subject, html, text };
  },
  ...labMailRenderers,
};

export function renderMail(job: MailJob, site: Site): OutgoingMail {
  const render = renderers[job.kind] as (j: MailJob, s: Site) => OutgoingMail;
  return render(job, site);
}
