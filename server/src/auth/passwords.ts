import { MIN_PASSWORD_LENGTH } from '@commons/shared';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import argon2 from 'argon2';
import { AppError } from '../http/errors.js';

// OWASP's argon2id baseline (19 MiB, 2 passes) keeps a login well under 100 ms on a small server.
const hashOptions = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const strength = new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
const commonPasswords = new Set(common.dictionary['passwords-common'].map((p) => p.toLowerCase()));

/** Throws `weak_password` for short, very common or trivially guessable passwords. */
export function assertStrongPassword(password: string, context: string[] = []): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new AppError('weak_password', `Use at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  const lower = password.toLowerCase();
  if (commonPasswords.has(lower)) {
    throw new AppError('weak_password', 'This password is one of the most common ones; choose another.');
  }
  const result = strength.check(password, context);
  if (typeof result.score === 'number' && result.score < 2) {
    throw new AppError('weak_password', 'This password is too easy to guess; try a few unrelated words.');
  }
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, hashOptions);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Verifies against a throwaway hash so an unknown email costs as much time as a wrong password. */
export async function burnVerifyTime(password: string): Promise<void> {
  dummyHash ??= hashPassword('commons-timing-equaliser');
  await verifyPassword(await dummyHash, password);
}
