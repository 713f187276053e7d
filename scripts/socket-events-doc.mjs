// Generates the description of the Socket.IO events from the typed event maps in
// shared/src/events.ts (the one definition client and server compile against): each event's
// name, direction, payload type, acknowledgement type and the comment that groups it.
// Written to server/dist/socket-events.json, served at /api/socket-events.json and /api/docs/socket-events.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const file = path.join(root, 'shared/src/events.ts');
const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
const text = source.getFullText();

function lastLineComment(node) {
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const last = ranges.at(-1);
  return last
    ? text
        .slice(last.pos, last.end)
        .replace(/^\/\/\s?|^\/\*\*?|\*\/$/g, '')
        .trim()
    : null;
}

function describe(iface, direction) {
  const events = [];
  let group = null;
  for (const member of iface.members) {
    if (!ts.isPropertySignature(member) || !member.type || !ts.isFunctionTypeNode(member.type)) continue;
    group = lastLineComment(member) ?? group;
    const [payload, ack] = member.type.parameters;
    const ackType = ack?.type?.getText(source) ?? null;
    events.push({
      name: member.name.getText(source).replace(/^'|'$/g, ''),
      direction,
      group,
      payload: payload?.type?.getText(source) ?? null,
      // AckCallback<T> answers { ok: true, data: T } | { ok: false, error: { code, message } }.
      ack: ackType ? ackType.replace(/^AckCallback<(.*)>$/s, '$1') : null,
    });
  }
  return events;
}

const interfaces = Object.fromEntries(source.statements.filter(ts.isInterfaceDeclaration).map((i) => [i.name.text, i]));
const doc = {
  title: 'Commons Socket.IO events',
  description:
    "Clients connect to the same origin with the session cookie. Commands (client → server) are `domain:verb` and are answered with an acknowledgement `{ ok: true, data } | { ok: false, error: { code, message } }`; facts (server → client) are past tense and sent to rooms: thread, lab, category, the member's own room and the moderators' room. Payload types are defined in shared/src.",
  events: [
    ...describe(interfaces.ClientToServerEvents, 'client-to-server'),
    ...describe(interfaces.ServerToClientEvents, 'server-to-client'),
  ],
};
const out = path.join(root, 'server/dist/socket-events.json');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
process.stdout.write(`socket events described: ${doc.events.length} (${out})\n`);
