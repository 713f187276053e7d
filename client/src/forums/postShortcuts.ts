import type { Post } from '@commons/shared';
import { postAnchor } from '@commons/shared';
import { useEffect, useRef } from 'react';
import { isPlainKey, isTypingTarget } from '../app/shortcuts';
import type { OpenComposer } from './PostItem';

/** The post (list item) that holds the focus, if any. */
function focusedPost(): HTMLElement | null {
  const active = document.activeElement;
  return active instanceof HTMLElement ? active.closest<HTMLElement>('li.post') : null;
}

/**
 * A thread's keys, as in Discourse and mail readers: j and k move the focus to the next and
 * previous post, r opens a reply to the post in focus (else focuses the reply box at the end).
 * Ignored while the member types or a menu or dialog is open.
 */
export function usePostShortcuts(posts: Post[], locked: boolean, setOpen: (open: OpenComposer) => void): void {
  const latest = useRef({ posts, locked, setOpen });
  useEffect(() => {
    latest.current = { posts, locked, setOpen };
  });

  useEffect(() => {
    function onKey(event: KeyboardEvent): void {
      if (!isPlainKey(event) || isTypingTarget(event.target)) return;
      const { posts, locked, setOpen } = latest.current;
      const items = [...document.querySelectorAll<HTMLElement>('ol.posts > li.post')];
      const current = focusedPost();
      const index = current ? items.indexOf(current) : -1;
      if (event.key === 'j' || event.key === 'k') {
        const next = event.key === 'j' ? items[index + 1] : items[Math.max(0, index - 1)];
        if (!next) return;
        event.preventDefault();
        next.focus({ preventScroll: true });
        next.scrollIntoView({ block: 'nearest' });
      } else if (event.key === 'r' && !locked) {
        event.preventDefault();
        const post = posts.find((p) => current && postAnchor(p.seq) === current.id && !p.deleted);
        if (post) setOpen({ postId: post.id, kind: 'reply' });
        else document.querySelector<HTMLTextAreaElement>('.thread-reply textarea')?.focus();
      }
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
