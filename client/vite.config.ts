import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

const server = 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  resolve: {
    // `source` first: `@commons/shared` resolves to shared/src (TypeScript), no build of shared needed.
    conditions: ['source', ...defaultClientConditions],
  },
  server: {
    proxy: {
      '/api': { target: server },
      '/socket.io': { target: server, ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // scripts/bundle-report.mjs reads it to weigh what the first page load needs.
    manifest: true,
    rolldownOptions: {
      treeshake: {
        // shared/ holds definitions only (schemas, constants, catalogues): nothing runs on import,
        // so modules and direct `z.x()` schema builders the client does not use are dropped.
        // Chained builders (`z.object().strict()`) are not, so zod itself still ships: see the
        // `zod` chunk below and the README note on zod-free constant modules.
        manualPureFunctions: ['z'],
        moduleSideEffects: [
          { test: /[\\/]shared[\\/]src[\\/]/, sideEffects: false },
          { test: /\.css$/, sideEffects: true },
        ],
      },
      output: {
        // Long-lived vendor chunks (cached across deploys); pages are split by route with React.lazy.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ },
            { name: 'i18n', test: /node_modules[\\/](i18next|react-i18next|html-parse-stringify|void-elements)[\\/]/ },
            { name: 'zod', test: /node_modules[\\/]zod[\\/]/ },
            {
              name: 'socket',
              test: /node_modules[\\/](socket\.io-client|socket\.io-parser|engine\.io-client|engine\.io-parser|@socket\.io[\\/]component-emitter|debug|ms|xmlhttprequest-ssl)[\\/]/,
            },
          ],
        },
      },
    },
  },
});
