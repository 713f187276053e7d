import path from 'node:path';

/*
 * `commons/domain-owns-models`: each server domain owns its collections. A file under
 * server/src/<domain>/ may import the model files (model.ts, *.model.ts) of its own domain only;
 * other domains ask the owner's service or read modules (`reads.ts`, `writes.ts`). Files outside a
 * domain folder (the app's composition, infra, workers) may not import models of any domain
 * either. The rule has no exceptions.
 */

const MODEL_FILE = /^(?:[\w-]+\.)?model(?:\.[jt]s)?$/;

function domainOf(file, root) {
  const rel = path.relative(root, file).split(path.sep);
  return rel.length > 1 && !rel[0].startsWith('..') ? rel[0] : null;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: "Forbids importing another server domain's model files" },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      foreign:
        "{{importer}} imports the {{owner}} domain's models ({{source}}); {{owner}} owns them: call its service or read module instead.",
    },
  },
  create(context) {
    const options = context.options[0] ?? {};
    const cwd = context.cwd ?? process.cwd();
    const root = path.resolve(cwd, options.root ?? 'server/src');
    const file = context.filename;
    const importer = domainOf(file, root) ?? 'this file';

    function check(node, source) {
      if (typeof source !== 'string') return;
      let target;
      if (source.startsWith('.')) target = path.resolve(path.dirname(file), source);
      else if (source.startsWith('@commons/server/')) target = path.join(root, source.slice('@commons/server/'.length));
      else return;
      if (!MODEL_FILE.test(path.basename(target))) return;
      const owner = domainOf(target, root);
      if (!owner || owner === domainOf(file, root)) return;
      context.report({ node, messageId: 'foreign', data: { importer, owner, source } });
    }

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
