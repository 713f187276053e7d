/**
 * Runs at most `n` of the calls given to it at once; the others wait their turn in order. For a
 * burst of store calls (500 members entering a lab in the same second): sent all at once they
 * queue inside the store, each past the driver's timeout (STORE_BUSY_TIMEOUT_MS) and answered 503,
 * and the store still works through the abandoned ones; held here they wait without a timeout
 * and each one sent is answered quickly.
 */
export function concurrencyLimit(n: number): <T>(call: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  // A finished call hands its place to the next in line, so no newcomer slips in between.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return async <T>(call: () => Promise<T>): Promise<T> => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await call();
    } finally {
      release();
    }
  };
}
