# syntax=docker/dockerfile:1
# Build: compile TypeScript, then keep only production dependencies.
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY jobs ./jobs
RUN npm run build && npm prune --omit=dev

# Run: slim Node with a CJK font (charts render 汉字 as boxes without one), as a non-root user.
# Charts draw on @napi-rs/canvas and sharp, both prebuilt for linux-x64-gnu (no build tools needed); the canvas
# path asks fontconfig (fc-match) for the zh-CN face and copies it out of its .ttc into the temp folder once.
FROM node:20-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends fontconfig fonts-noto-cjk ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && fc-list :lang=zh | grep -q . 
ENV NODE_ENV=production HTTP_HOST=0.0.0.0 PORT=3000 TZ=Asia/Shanghai
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node cards ./cards
# The simulator page is static files tsc does not copy; served only in local mode (no DingTalk credentials).
COPY --chown=node:node src/http/sim ./src/http/sim
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
# Young-generation semi-spaces of 4 MB (Node 20's default grows to 16 MB): the same scavenging work in 4x as many
# pauses of a quarter the length, so no GC pause holds stream acks while the Friday pass loads its slices (2,000
# reps: scavenge p99 103 -> 22 ms, max 121 -> 42 ms; docs/performance.md "Responsive during the fan-out").
# Old generation capped at 256 MB: every Friday-pass, prediction and pack step works a slice of people at a time
# (REPORT_SLICE_SIZE), so the live heap stays near 60-100 MB at 2,000-50,000 reps; without a cap V8 let the heap
# it keeps grow to ~210 MB after the prediction step and held it (10,000 reps: RSS 475 MB vs 321 MB with the cap,
# docs/performance.md "Friday pass"). A deployment far larger than 50,000 reps raises it (docs/deploy.md).
# test/helpers/bot-process.ts runs the bot from dist with this CMD's flags.
CMD ["node", "--max-semi-space-size=4", "--max-old-space-size=256", "dist/src/main.js"]
