import type { Ack, ClientToServerEvents, ErrorBody } from '@commons/shared';
import type { z } from 'zod';
import { AppError } from '../http/errors.js';
import type { Logger } from '../infra/log.js';
import type { IoSocket } from './types.js';

type AckOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[1];
type DataOf<E extends keyof ClientToServerEvents> = AckOf<E> extends (ack: Ack<infer T>) => void ? T : never;

function toErrorBody(err: unknown, log: Logger, event: string): ErrorBody {
  if (err instanceof AppError) {
    return { code: err.code, message: err.message, ...(err.details === undefined ? {} : { details: err.details }) };
  }
  log.error({ err, event }, 'socket handler failed');
  return { code: 'internal', message: 'Something went wrong on our side.' };
}

/**
 * Registers one client command: the payload is parsed with its shared schema, the handler's
 * result or error goes back in the one Ack shape. A client that sends no ack function gets nothing.
 */
export function handle<E extends keyof ClientToServerEvents, S extends z.ZodType>(
  socket: IoSocket,
  log: Logger,
  event: E,
  schema: S,
  run: (payload: z.infer<S>) => Promise<DataOf<E>> | DataOf<E>,
  before?: () => Promise<void>,
): void {
  const listener = async (payload: unknown, ack: unknown) => {
    const reply = typeof ack === 'function' ? (ack as (a: Ack<DataOf<E>>) => void) : () => undefined;
    try {
      if (before) await before();
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        reply({
          ok: false,
          error: { code: 'validation_failed', message: 'The event payload is invalid.', details: parsed.error.issues },
        });
        return;
      }
      reply({ ok: true, data: await run(parsed.data) });
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
