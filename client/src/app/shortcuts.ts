import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { useAuth } from '../auth/store';
import { SEARCH_INPUT_ID } from './Header';

/** Whether a key press belongs to what the member is typing or to an open widget, not to a shortcut. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target.closest('[role="menu"], [role="dialog"], [role="listbox"], [role="combobox"]')) return true;
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Whether the key press is a plain key (no modifier), so browser and screen reader keys stay untouched. */
export function isPlainKey(event: KeyboardEvent): boolean {
  return !event.ctrlKey && !event.metaKey && !event.altKey && !event.defaultPrevented;
}

/**
 * Shortcuts on every page: "/" goes to search (the top bar's field, or the search page where the
 * field is not shown). Page shortcuts (j, k, r on a thread) live with their page. Esc closing menus,
 * dialogs and popovers comes from the primitives themselves.
 */
export function useGlobalShortcuts(): void {
  const navigate = useNavigate();
  useEffect(() => {
    function onKey(event: KeyboardEvent): void {
      if (event.key !== '/' || !isPlainKey(event) || isTypingTarget(event.target)) return;
      if (useAuth.getState().status !== 'signedIn') return;
      const field = document.getElementById(SEARCH_INPUT_ID);
      event.preventDefault();
      if (field && field.offsetParent !== null) field.focus();
      else navigate('/search');
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [navigate]);
}
