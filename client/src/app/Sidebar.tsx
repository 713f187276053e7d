import type { Self } from '@commons/shared';
import {
  BookOpen,
  Bookmark,
  CalendarDays,
  FlaskConical,
  Home,
  type LucideIcon,
  MessagesSquare,
  Newspaper,
  Settings2,
  Shield,
  Users,
  UsersRound,
} from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { useAuth } from '../auth/store';
import { ConnectionStatus } from './ConnectionStatus';

interface Item {
  to: string;
  label: string;
  icon: LucideIcon;
  end?: boolean;
}

interface Group {
  id: string;
  heading: string | null;
  items: Item[];
}

/** The sections grouped by what members do there; moderators and admins get their tools last. */
export function useSections(user: Self): Group[] {
  const { t } = useTranslation();
  const groups: Group[] = [
    {
      id: 'top',
      heading: null,
      items: [
        { to: '/', label: t('nav.home'), icon: Home, end: true },
        { to: '/bookmarks', label: t('nav.bookmarks'), icon: Bookmark },
      ],
    },
    {
      id: 'discuss',
      heading: t('shell.discuss'),
      items: [
        { to: '/forums', label: t('nav.forums'), icon: MessagesSquare },
        { to: '/labs', label: t('labs.nav'), icon: FlaskConical },
        { to: '/events', label: t('events.nav'), icon: CalendarDays },
      ],
    },
    {
      id: 'learn',
      heading: t('shell.learn'),
      items: [
        { to: '/library', label: t('hub.nav.library'), icon: BookOpen },
        { to: '/stories', label: t('hub.nav.stories'), icon: Newspaper },
      ],
    },
    {
      id: 'people',
      heading: t('shell.people'),
      items: [
        { to: '/coalitions', label: t('hub.nav.coalitions'), icon: UsersRound },
        { to: '/members', label: t('hub.nav.directory'), icon: Users, end: true },
      ],
    },
  ];
  const manage: Item[] = [];
  if (user.role === 'moderator' || user.role === 'admin') {
    manage.push({ to: '/moderation', label: t('moderation.nav'), icon: Shield });
  }
  if (user.role === 'admin') {
    manage.push(
      { to: '/admin/settings', label: t('siteAdmin.nav'), icon: Settings2 },
      { to: '/admin/members', label: t('adminMembers.nav'), icon: Users },
      { to: '/admin/mail-failures', label: t('admin.nav'), icon: Settings2 },
    );
  }
  if (manage.length > 0) groups.push({ id: 'manage', heading: t('shell.manage'), items: manage });
  return groups;
}

/** The list of sections: the desktop sidebar and the phone's menu drawer both show it. */
export function SectionList({ user, idPrefix, onNavigate }: { user: Self; idPrefix: string; onNavigate?: () => void }) {
  const groups = useSections(user);
  return (
    <>
      {groups.map((group) => {
        const headingId = `${idPrefix}-${group.id}`;
        return (
          <div key={group.id} className="sections__group">
            {group.heading && (
              // Not a heading: the page's own h1 stays the first heading a screen reader meets.
              <p id={headingId} className="sections__heading">
                {group.heading}
              </p>
            )}
            <ul aria-labelledby={group.heading ? headingId : undefined}>
              {group.items.map(({ to, label, icon: Icon, end }) => (
                <li key={to}>
                  <NavLink to={to} end={end} className="sections__link" onClick={onNavigate}>
                    <Icon aria-hidden="true" size={18} />
                    <span>{label}</span>
                  </NavLink>
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </>
  );
}

/** The desktop sidebar (hidden by CSS on narrower screens, where the menu drawer shows the same list). */
export function Sidebar() {
  const { t } = useTranslation();
  const user = useAuth((s) => s.user);
  if (!user) return null;
  return (
    <aside className="sidebar">
      <nav className="sections" aria-label={t('nav.main')}>
        <SectionList user={user} idPrefix="sidebar" />
      </nav>
      <ConnectionStatus />
    </aside>
  );
}
