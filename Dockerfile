# One image for the API server (which serves the web app) and the build worker.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npx turbo run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production WEB_DIST=/app/apps/web/dist HOST=0.0.0.0 PORT=4000
COPY --from=build /app /app
EXPOSE 4000
CMD ["node", "apps/server/dist/main.js"]
