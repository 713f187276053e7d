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

  /** Spends one point if one is left; false (and nothing thrown) when the budget is spent. */
  async tryConsume(key: string): Promise<boolean> {
    try {
      await this.limiter.consume(key, 1);
      return true;
    } catch (err) {
      if (err instanceof RateLimiterRes) return false;
      throw err;
    }
  }

  /** Throws 429 if the key has already spent its budget, without spending. */
  async check(key: string): Promise<void> {
    const res = await this.limiter.get(key);
    if (res && res.consumedPoints >= this.rule.points) throw tooMany(res);
  }

  /** Gives back points spent on work that did not happen (the attempt was refused elsewhere). */
  async refund(key: string, points = 1): Promise<void> {
    await this.limiter.reward(key, points);
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}

/** What spends a budget: a Limiter, or a SettableLimiter whose budget is a site setting. */
export interface Budget {
  consume(key: string, points?: number): Promise<void>;
}

/**
 * A limiter whose budget is read at each use (a site limit an administrator sets, cached by the
 * site settings): one underlying limiter per budget value, all counting in the same Redis keys, so
 * a change applies at once to what was already spent.
 */
export class SettableLimiter implements Budget {
  private readonly byPoints = new Map<number, Limiter>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly rule: Omit<LimitRule, 'points'>,
    private readonly points: () => Promise<number>,
  ) {}

  async consume(key: string, points = 1): Promise<void> {
    const budget = await this.points();
    let limiter = this.byPoints.get(budget);
    if (!limiter) {
      limiter = new Limiter(this.redis, this.prefix, { ...this.rule, points: budget });
      this.byPoints.set(budget, limiter);
    }
    await limiter.consume(key, points);
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
