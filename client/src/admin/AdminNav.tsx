import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import './admin.css';

/**
 * The administrators' console: one menu at the top of each of its pages, so every admin page is
 * reachable from any other (the queue dashboard is a server page, hence a plain link).
 */
export function AdminNav() {
  const { t } = useTranslation();
  const links: [string, string][] = [
    ['/admin/members', t('adminConsole.members')],
    ['/admin/settings', t('adminConsole.settings')],
    ['/admin/invitations', t('adminConsole.invitations')],
    ['/admin/categories', t('adminConsole.categories')],
    ['/admin/webhooks', t('adminConsole.webhooks')],
    ['/admin/mail-failures', t('adminConsole.mailFailures')],
    ['/moderation/audit', t('adminConsole.audit')],
  ];
  return (
    <nav className="admin-nav" aria-label={t('adminConsole.label')}>
      <ul>
        {links.map(([to, label]) => (
          <li key={to}>
            <NavLink to={to}>{label}</NavLink>
          </li>
        ))}
        <li>
          <a href="/admin/queues">{t('adminConsole.queues')}</a>
        </li>
      </ul>
    </nav>
  );
}
