import type { MailJob } from '@commons/shared';
import { formatDateTime, translator } from '../infra/i18n.js';
import type { OutgoingMail } from '../infra/mail.js';
import { renderLayout } from '../mail/layout.js';
import type { Site } from '../mail/templates.js';

type Job<K extends MailJob['kind']> = Extract<MailJob, { kind: K }>;

/** Mail renderers of Action Labs, in the recipient's language (registered in mail/templates.ts). */
export const labMailRenderers = {
  lab_reminder(job: Job<'lab_reminder'>, site: Site): OutgoingMail {
    const t = translator(job.locale);
    const when = formatDateTime(new Date(job.startsAt), job.locale, job.timeZone);
    const subject = t(job.lead === '24h' ? 'labs.email.reminder.subjectDay' : 'labs.email.reminder.subjectSoon', {
      title: job.labTitle,
    });
    const { html, text } = renderLayout(
      {
        locale: job.locale,
        title: subject,
        paragraphs: [
          t('labs.email.reminder.greeting', { name: job.displayName }),
          t('labs.email.reminder.body', { title: job.labTitle, when }),
        ],
        action: { label: t('labs.email.reminder.action'), url: job.labUrl },
      },
      site,
    );
    return { to: job.to, subject, html, text };
  },

  lab_summary(job: Job<'lab_summary'>, site: Site): OutgoingMail {
    const t = translator(job.locale);
    const subject = t('labs.email.summary.subject', { title: job.labTitle });
    const ideas = job.topIdeas.map((i) => t('labs.email.summary.idea', { text: i.text, count: i.dots }));
    const actions = job.actions.map((a) =>
      t('labs.email.summary.actionLine', {
        title: a.title,
        owner: a.owner ?? t('labs.email.summary.noOwner'),
        due: a.dueDate ?? t('labs.email.summary.noDue'),
      }),
    );
    const decisions = (job.decisions ?? []).map((d) =>
      [t('labs.email.summary.decisionLine', { title: d.title }), d.text].filter(Boolean).join(' — '),
    );
    const { html, text } = renderLayout(
      {
        locale: job.locale,
        title: subject,
        paragraphs: [
          t('labs.email.summary.greeting', { name: job.displayName }),
          t('labs.email.summary.attendance', { count: job.attendance }),
          ...(decisions.length ? [t('labs.email.summary.decisionsHeading'), ...decisions] : []),
          ...(ideas.length ? [t('labs.email.summary.ideasHeading'), ...ideas] : []),
          ...(actions.length ? [t('labs.email.summary.actionsHeading'), ...actions] : []),
        ],
        action: { label: t('labs.email.summary.open'), url: job.summaryUrl },
      },
      site,
    );
    return { to: job.to, subject, html, text };
  },
};
