import { roleSchema } from '@commons/shared';
import type { Runtime } from '../runtime.js';
import { createMemberService } from './service.js';

const usage = 'usage: npm run members -- set-role <email> <member|moderator|admin>';

/** Operator path to roles: the first admin of a deployment comes from here. */
export async function setRole(runtime: Runtime, email: string, roleArg: string): Promise<string> {
  const role = roleSchema.safeParse(roleArg);
  if (!role.success) throw new Error(`unknown role "${roleArg}"\n${usage}`);
  const member = await createMemberService({ events: runtime.events }).setRoleByEmail(email, role.data);
  return `${member.email} is now ${member.role}`;
}

async function main(argv: string[]): Promise<number> {
  const [command, email, role] = argv;
  if (command !== 'set-role' || !email || !role) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const { bootProcess } = await import('../boot.js');
  const booted = await bootProcess('members-cli', { handleSignals: false });
  try {
    process.stdout.write(`${await setRole(booted.runtime, email, role)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await booted.shutdown();
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main(process.argv.slice(2));
}
