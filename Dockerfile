# Commons: one image for the server (default command) and the workers
# (docker-compose.yml overrides the command with `node workers/dist/main.js`).

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY workers/package.json workers/
COPY client/package.json client/
COPY tests/package.json tests/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY workers/package.json workers/
COPY client/package.json client/
COPY tests/package.json tests/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/shared/dist shared/dist
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/workers/dist workers/dist
COPY --from=build /app/client/dist client/dist
COPY scripts scripts
COPY tools tools
USER node
EXPOSE 3000
CMD ["node", "server/dist/main.js"]
