/*
 * `commons/trusted-operators`: mongoose's sanitizeFilter is on (server/src/infra/db.ts), so a
 * query filter's operator object (`{ field: { $in: [...] } }`) that our own code builds must be
 * marked with `trusted()`, or mongoose turns it into an equality with the object (and the query
 * silently matches nothing). The rule fails on a query operator key in an object literal that is
 * not the argument of `trusted(...)`. Operators under an update (`$set`, `$pull`, ...) or an
 * aggregation stage (`$match`, `$group`, ...) are not filters mongoose sanitizes and are left alone;
 * under `$or`, `$and` and `$nor` they are, and are checked.
 */

const QUERY_OPERATOR = /^\$(eq|ne|gt|gte|lt|lte|in|nin|exists|type|regex|all|elemMatch|size|mod|not)$/;
const LOGICAL = new Set(['$or', '$and', '$nor']);

const keyName = (property) =>
  property.key.type === 'Identifier' && !property.computed
    ? property.key.name
    : property.key.type === 'Literal' && typeof property.key.value === 'string'
      ? property.key.value
      : null;

function isTrustedCall(node) {
  if (node?.type !== 'CallExpression') return false;
  const callee = node.callee;
  return (
    (callee.type === 'Identifier' && callee.name === 'trusted') ||
    (callee.type === 'MemberExpression' && !callee.computed && callee.property.name === 'trusted')
  );
}

/** Inside an update or an aggregation stage (a `$` key that is not a logical operator): not a query filter. */
function underNonFilter(node) {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type !== 'Property') continue;
    const name = keyName(n);
    if (name?.startsWith('$') && !LOGICAL.has(name) && !QUERY_OPERATOR.test(name)) return true;
  }
  return false;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Requires query operator objects built in code to be marked with trusted()' },
    schema: [],
    messages: {
      untrusted:
        'Query operator {{op}} outside trusted(): sanitizeFilter would turn it into an equality. Wrap the operator object: trusted({ {{op}}: ... }).',
    },
  },
  create(context) {
    return {
      Property(node) {
        const op = keyName(node);
        if (!op || !QUERY_OPERATOR.test(op)) return;
        const object = node.parent;
        if (object.type !== 'ObjectExpression') return;
        // An operator nested in another operator's value ({ $not: { $in } }) goes with the outer one.
        if (object.parent?.type === 'Property' && QUERY_OPERATOR.test(keyName(object.parent) ?? '')) return;
        if (isTrustedCall(object.parent) && object.parent.arguments[0] === object) return;
        if (underNonFilter(object)) return;
        context.report({ node, messageId: 'untrusted', data: { op } });
      },
    };
  },
};
