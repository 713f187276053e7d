import type { NotificationNewEvent } from '@commons/shared';
import { connectSocket, nextEvent, type ClientSocket } from '../support/sockets.js';
import type { TestPlatform } from '../support/platform.js';
import type { Someone } from '../forums/support.js';

export { eventually, type ClientSocket } from '../support/sockets.js';

/** A live connection of the member (session cookie), resolved once the server confirmed it. */
export const connectAs = (p: TestPlatform, who: Someone, sockets: ClientSocket[]) => connectSocket(p.url, who, sockets);

/** The next `notification:new` push that satisfies `predicate` (a timeout fails where it is awaited). */
export const nextNotification = (
  socket: ClientSocket,
  predicate: (e: NotificationNewEvent) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<NotificationNewEvent> => nextEvent(socket, 'notification:new', predicate, timeoutMs);
