import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from './errors.js';

export interface LimitRule {
  /** Short name, part of the Redis key. */
  name: string;
  points: number;
  durationSeconds: number;
  blockSeconds?: number;
}

/** A Redis-backed limiter that throws the API's 429 error when a key is over its budget. */
export class Limiter {
  private readonly limiter: RateLimiterRedis;

  constructor(
    redis: Redis,
    prefix: string,
    private readonly rule: LimitRule,
  ) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:rl:${rule.name}`,
      points: rule.points,
      duration: rule.durationSeconds,
      blockDuration: rule.blockSeconds ?? 0,
      useRedisPackage: false,
    });
  }

  /** Spends one point; throws 429 with Retry-After when none is left. */
  async consume(key: string, points = 1): Promise<void> {
    try {
      await this.limiter.consume(key, points);
    } catch (err) {
      if (err instanceof RateLimiterRes) throw tooMany(err);
      throw err;
    }
  }

  /** Throws 429 if the key has already spent its budget, without spending. */
  async check(key: string): Promise<void> {
    const res = await this.limiter.get(key);
    if (res && res.consumedPoints >= this.rule.points) throw tooMany(res);
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}

function tooMany(res: RateLimiterRes): AppError {
  const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new AppError(
    'rate_limited',
    `Too many attempts. Try again in ${seconds} seconds.`,
    { retryAfterSeconds: seconds },
    seconds,
  );
}
