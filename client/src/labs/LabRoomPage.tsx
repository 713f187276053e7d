import type { LabState } from '@commons/shared';
import { Tabs } from 'radix-ui';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useAuth } from '../auth/store';
import { useMediaQuery } from '../ui/useMediaQuery';
import { Loading, Page } from '../ui/Page';
import { labPath } from './api';
import './labs.css';
import './room/room.css';
import { Chat } from './room/Chat';
import { CheckResults, Consensus } from './room/Consensus';
import { Controls } from './room/Controls';
import { Following } from './room/Following';
import { Ideas } from './room/Ideas';
import { PhaseBar } from './room/PhaseBar';
import { People, Queue, RaiseHand } from './room/Queue';
import { Actions, Outcomes } from './room/Records';
import { labRoom, useLabRoom } from './store';

/** Wide enough for the room's columns side by side; narrower screens get tabs. */
const WIDE = '(min-width: 56.25em)';

/** What the lab is working on: ideas, the consensus check, earlier checks, action items, decisions. */
function Board({ state }: { state: LabState }) {
  return (
    <>
      <Ideas state={state} />
      <Consensus state={state} />
      <CheckResults state={state} />
      <Actions state={state} />
      <Outcomes state={state} />
    </>
  );
}

/** Wide screens: the whole room at once, chat on the left (pinned), the board in the middle, the queue aside. */
function Columns({ state }: { state: LabState }) {
  return (
    <div className="lab-room">
      <div className="lab-room__bar">
        <PhaseBar state={state} />
      </div>
      <div className="lab-room__grid">
        <div className="lab-room__chat">
          <Chat state={state} />
        </div>
        <div className="lab-room__board">
          <Board state={state} />
        </div>
        <div className="lab-room__side">
          {state.lab.canManage && <Controls state={state} />}
          <Queue state={state} withHand />
          <People state={state} />
        </div>
      </div>
    </div>
  );
}

/** Phones: one part of the room at a time, in tabs under the bar; the hand button sits in the bar. */
function RoomTabs({ state }: { state: LabState }) {
  const { t } = useTranslation();
  const me = useAuth((s) => s.user?.id);
  const [tab, setTab] = useState('chat');
  // Messages by others that arrived since the member last left the chat tab.
  const [seen, setSeen] = useState(0);
  const unread = tab === 'chat' ? 0 : state.messages.filter((m) => m.seq > seen && m.author.id !== me).length;
  const choose = (next: string) => {
    if (tab === 'chat') setSeen(state.lastSeq);
    setTab(next);
  };
  const tabs = state.lab.canManage
    ? (['chat', 'board', 'queue', 'controls'] as const)
    : (['chat', 'board', 'queue'] as const);
  return (
    <Tabs.Root className="lab-room lab-room--tabs" value={tab} onValueChange={choose}>
      <div className="lab-room__bar">
        <PhaseBar state={state}>
          <RaiseHand state={state} inBar />
        </PhaseBar>
        <Tabs.List className="lab-tabs" aria-label={t('labs.room.tabs.label')}>
          {tabs.map((name) => (
            <Tabs.Trigger key={name} value={name} className="lab-tabs__tab">
              {t(`labs.room.tabs.${name}`)}
              {name === 'chat' && unread > 0 && (
                <>
                  {' '}
                  <span className="lab-tabs__badge">{t('labs.room.tabs.unread', { count: unread })}</span>
                </>
              )}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
      </div>
      {/* Kept mounted when hidden: a half-written message or the chat's scroll survive a look at the board. */}
      <Tabs.Content value="chat" forceMount className="lab-tabs__panel lab-tabs__panel--chat">
        <Chat state={state} headed={false} />
      </Tabs.Content>
      <Tabs.Content value="board" forceMount className="lab-tabs__panel">
        <Board state={state} />
      </Tabs.Content>
      <Tabs.Content value="queue" forceMount className="lab-tabs__panel">
        <Queue state={state} withHand={false} />
        <People state={state} />
      </Tabs.Content>
      {state.lab.canManage && (
        <Tabs.Content value="controls" forceMount className="lab-tabs__panel">
          <Controls state={state} />
        </Tabs.Content>
      )}
    </Tabs.Root>
  );
}

/** /labs/:id/room — the live room: a bar with the phase and its countdown, chat, board, queue and controls. */
export function LabRoomPage() {
  const { t } = useTranslation();
  const { labId = '' } = useParams();
  const wide = useMediaQuery(WIDE);
  useEffect(() => labRoom.getState().enter(labId), [labId]);
  const error = useLabRoom((s) => (s.labId === labId ? s.error : null));
  const state = useLabRoom((s) => (s.labId === labId ? s.state : null));

  if (error)
    return (
      <Page title={error.kind === 'removed' ? t('labs.facilitation.youWereRemoved') : t(`errors.${error.code}`)}>
        <p>
          <Link to={labPath(labId)}>{t('labs.room.back')}</Link>
        </p>
      </Page>
    );
  if (!state)
    return (
      <Page title={t('labs.room.joining')}>
        <Loading />
      </Page>
    );

  return (
    <Page title={t('labs.room.title', { title: state.lab.title })}>
      <p className="lab-room__back">
        <Link to={labPath(labId)}>{t('labs.room.back')}</Link>
      </p>
      <Following state={state} />
      {wide ? <Columns state={state} /> : <RoomTabs state={state} />}
    </Page>
  );
}
