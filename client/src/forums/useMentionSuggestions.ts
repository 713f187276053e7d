import type { MemberRef } from '@commons/shared';
import { useEffect, useState } from 'react';
import { suggestMentions } from './api';
import { mentionAt } from './mentionQuery';

export interface MentionState {
  at: { start: number; query: string } | null;
  members: MemberRef[];
}

/** Members matching the "@name" before the caret, looked up after a short pause in typing. */
export function useMentionSuggestions(text: string, caret: number | null): MentionState {
  const at = caret === null ? null : mentionAt(text, caret);
  const query = at?.query ?? '';
  const [found, setFound] = useState<{ query: string; members: MemberRef[] }>({ query: '', members: [] });
  useEffect(() => {
    if (!query) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      suggestMentions(query, controller.signal).then(
        (members) => setFound({ query, members }),
        () => undefined, // no suggestions; the member can still type the handle
      );
    }, 150);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query]);
  return { at, members: at && found.query === query ? found.members : [] };
}
