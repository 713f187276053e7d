import type { Notification } from '@commons/shared';
import { Bell } from 'lucide-react';
import { Avatar, type AvatarSize } from '../ui/Avatar';

/** Who a notification is from (their picture or initials), or the site's bell for notices nobody sent. */
export function NotificationAvatar({ notification, size = 'sm' }: { notification: Notification; size?: AvatarSize }) {
  if (notification.actor) return <Avatar member={notification.actor} size={size} />;
  return (
    <span className={`avatar avatar--${size} avatar--notice`} aria-hidden="true">
      <Bell size={size === 'sm' ? 16 : 20} />
    </span>
  );
}
