import { safeParseInput, type Ack, type ClientToServerEvents, type ErrorBody } from '@commons/shared';
import type { z } from 'zod';
import { AppError, dependencyDownError, isDependencyDown } from '../http/errors.js';
import type { Logger } from '../infra/log.js';
import type { IoSocket } from './types.js';
import { clientEvents, type ClientEventName } from './events.js';

type AckOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1];
type DataOf<E extends keyof ClientToServerEvents> = AckOf<E> extends (ack: Ack<infer T>) => void ? T : never;

function toErrorBody(err: unknown, log: Logger, event: string): ErrorBody {
  const known = err instanceof AppError ? err : isDependencyDown(err) ? dependencyDownError() : null;
  if (known) {
    return {
      code: known.code,
      message: known.message,
      ...(known.details === undefined ? {} : { details: known.details }),
    };
  }
  log.error({ err, event }, 'socket handler failed');
  return { code: 'internal', message: 'Something went wrong on our side.' };
}

const roleRank: Record<string, number> = { member: 1, moderator: 2, admin: 3 };
const senderRank = { member: 1, moderator: 2, admin: 3 } as const;

type PayloadOf<E extends ClientEventName> = z.output<(typeof clientEvents)[E]['payload']>;

/**
 * Registers one client command from the socket event table: the sender's role is checked
 * against the table, the payload parsed with its schema, and the handler's result or error goes
 * back in the one Ack shape. A client that sends no ack function gets nothing.
 */
export function handle<E extends ClientEventName & keyof ClientToServerEvents>(
  socket: IoSocket,
  log: Logger,
  event: E,
  run: (payload: PayloadOf<E>) => Promise<DataOf<E>> | DataOf<E>,
  before?: () => Promise<void>,
): void {
  const contract = clientEvents[event];
  const listener = async (payload: unknown, ack: unknown) => {
    const reply = typeof ack === 'function' ? (ack as (a: Ack<DataOf<E>>) => void) : () => undefined;
    try {
      if ((roleRank[socket.data.role] ?? 0) < senderRank[contract.sender])
        throw new AppError('forbidden', `Only ${contract.sender}s can do this.`, { requires: contract.sender });
      if (before) await before();
      const parsed = safeParseInput(contract.payload, payload);
      if (!parsed.success) {
        reply({
          ok: false,
          error: { code: 'validation_failed', message: 'The event payload is invalid.', details: parsed.error.issues },
        });
        return;
      }
      reply({ ok: true, data: await run(parsed.data as PayloadOf<E>) });
    } catch (err) {
      reply({ ok: false, error: toErrorBody(err, log, event) });
    }
  };
  // Socket.IO's typed `on` cannot express a generic event key; the listener above is fully checked.
  (socket.on as (ev: string, fn: (payload: unknown, ack: unknown) => void) => void)(
    event,
    (p, a) => void listener(p, a),
  );
}
