/*
 * `commons/routes-in-tables`: every HTTP route is declared in a route table (server/src/http/route.ts,
 * gathered in server/src/routes.ts) with its schemas, access and limit, so the role and content
 * matrices, the fuzz and the OpenAPI document see it. The rule fails on an Express-style route
 * registered by hand: `app.get('/path', handler)`, `router.post(/regex/, ...)`, `router.route('/x')`
 * (a path as first argument and a handler after it). Middleware (`use`) is not a route.
 */

const VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'all', 'options', 'head']);

function isPath(arg) {
  if (!arg) return false;
  if (arg.type === 'Literal' && typeof arg.value === 'string') return arg.value.startsWith('/');
  if (arg.type === 'Literal' && arg.regex) return true;
  if (arg.type === 'TemplateLiteral') return arg.quasis[0]?.value.cooked?.startsWith('/') ?? false;
  return false;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Forbids Express routes registered outside the route tables' },
    schema: [],
    messages: {
      outside:
        "Route {{method}} {{path}} is registered by hand: declare it in its domain's route table (routesFor in server/src/http/route.ts) instead.",
    },
  },
  create(context) {
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return;
        const method = callee.property.name;
        const [first] = node.arguments;
        if (!isPath(first)) return;
        if (method === 'route' || (VERBS.has(method) && node.arguments.length >= 2))
          context.report({
            node,
            messageId: 'outside',
            data: { method, path: context.sourceCode.getText(first) },
          });
      },
    };
  },
};
