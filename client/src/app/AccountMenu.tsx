import { locales, type Locale, type Self } from '@commons/shared';
import { Bell, Languages, LogOut, Settings, Shield, SlidersHorizontal, User } from 'lucide-react';
import { DropdownMenu } from 'radix-ui';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useAuth } from '../auth/store';
import { fixedT, useLocale } from '../i18n';
import { Avatar } from '../ui/Avatar';
import { chooseLanguage } from './LanguageSwitch';
import { announce } from './LiveAnnouncer';

function useSignOut(): () => Promise<void> {
  const { t } = useTranslation();
  const navigate = useNavigate();
  return async () => {
    try {
      await useAuth.getState().signOut();
      navigate('/');
      announce(t('auth.signedOut'));
    } catch {
      announce(t('auth.signOutFailed'));
    }
  };
}

interface AccountMenuProps {
  user: Self;
  /** The phone's tab bar opens the same menu from its "Me" tab, upwards. */
  variant: 'topbar' | 'tab';
}

/**
 * The member's menu (a menu button with arrow-key navigation, from Radix): profile, settings,
 * language, moderation and admin for those who have them, sign out.
 */
export function AccountMenu({ user, variant }: AccountMenuProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const active = useLocale();
  const signOut = useSignOut();
  const staff = user.role === 'moderator' || user.role === 'admin';

  return (
    <DropdownMenu.Root modal={false}>
      {/* Named by its text, not aria-label: the initials shown are decoration, "Me" is part of the name. */}
      <DropdownMenu.Trigger className={variant === 'tab' ? 'tabbar__item' : 'icon-button account-trigger'}>
        <Avatar member={user} size="sm" />
        {/* One inline run of text: flex items would each add a space to the computed name. */}
        {variant === 'tab' ? (
          <span>
            {t('shell.me')}
            <span className="visually-hidden">: {t('shell.accountMenu', { name: user.displayName })}</span>
          </span>
        ) : (
          <span className="visually-hidden">{t('shell.accountMenu', { name: user.displayName })}</span>
        )}
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          className="menu"
          align="end"
          side={variant === 'tab' ? 'top' : 'bottom'}
          sideOffset={6}
          collisionPadding={8}
        >
          <DropdownMenu.Label className="menu__label">
            <strong>{user.displayName}</strong>
            <span className="menu__sub">{t(`profile.siteRoles.${user.role}`)}</span>
          </DropdownMenu.Label>
          <DropdownMenu.Item className="menu__item" onSelect={() => navigate(`/members/${user.id}`)}>
            <User aria-hidden="true" size={18} /> {t('shell.profile')}
          </DropdownMenu.Item>
          <DropdownMenu.Item className="menu__item" onSelect={() => navigate('/settings/profile')}>
            <Settings aria-hidden="true" size={18} /> {t('nav.editProfile')}
          </DropdownMenu.Item>
          <DropdownMenu.Item className="menu__item" onSelect={() => navigate('/settings/notifications')}>
            <Bell aria-hidden="true" size={18} /> {t('shell.notificationSettings')}
          </DropdownMenu.Item>
          <DropdownMenu.Item className="menu__item" onSelect={() => navigate('/settings/account')}>
            <SlidersHorizontal aria-hidden="true" size={18} /> {t('account.nav')}
          </DropdownMenu.Item>
          <DropdownMenu.Separator className="menu__separator" />
          <DropdownMenu.Label className="menu__label menu__label--small">
            <Languages aria-hidden="true" size={16} /> {t('nav.language')}
          </DropdownMenu.Label>
          <DropdownMenu.RadioGroup
            value={active}
            onValueChange={(value) => void chooseLanguage(value as Locale, t('profile.languageSaveFailed'))}
          >
            {locales.map((locale) => (
              <DropdownMenu.RadioItem key={locale} value={locale} lang={locale} className="menu__item menu__radio">
                <DropdownMenu.ItemIndicator className="menu__check">✓</DropdownMenu.ItemIndicator>
                {fixedT(locale)('language.name')}
              </DropdownMenu.RadioItem>
            ))}
          </DropdownMenu.RadioGroup>
          {staff && (
            <>
              <DropdownMenu.Separator className="menu__separator" />
              <DropdownMenu.Item className="menu__item" onSelect={() => navigate('/moderation')}>
                <Shield aria-hidden="true" size={18} /> {t('moderation.nav')}
              </DropdownMenu.Item>
              {user.role === 'admin' && (
                <DropdownMenu.Item className="menu__item" onSelect={() => navigate('/admin/settings')}>
                  <SlidersHorizontal aria-hidden="true" size={18} /> {t('shell.admin')}
                </DropdownMenu.Item>
              )}
            </>
          )}
          <DropdownMenu.Separator className="menu__separator" />
          <DropdownMenu.Item className="menu__item" onSelect={() => void signOut()}>
            <LogOut aria-hidden="true" size={18} /> {t('nav.signOut')}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
