# One image for the API, the worker and the inbox monitor (the command picks the process).
# Stage 1 installs everything and type-checks; stage 2 keeps production dependencies and the sources,
# which run through tsx exactly as in local mode (the worker bundles workflow code at start).
FROM node:20.20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx tsc -p tsconfig.json --noEmit

FROM node:20.20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:20.20-bookworm-slim AS runtime
# Live unless told otherwise: without its credentials and PAYLOAD_KEYS the image refuses to start.
ENV NODE_ENV=production MODE=live
WORKDIR /app
# OCR for scanned folios: Tesseract with the seven language packs, poppler's pdftoppm to rasterise PDFs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-fra \
      tesseract-ocr-spa tesseract-ocr-ita tesseract-ocr-por tesseract-ocr-nld poppler-utils \
 && rm -rf /var/lib/apt/lists/*
COPY --from=deps /app/node_modules node_modules
COPY package.json tsconfig.json ./
COPY --from=build /app/domain domain
COPY --from=build /app/config config
COPY --from=build /app/temporal temporal
COPY --from=build /app/adapters adapters
COPY --from=build /app/activities activities
COPY --from=build /app/workflows workflows
COPY --from=build /app/workers workers
COPY --from=build /app/api api
COPY --from=build /app/observability observability
COPY --from=build /app/scripts scripts
COPY --from=build /app/sandbox sandbox
USER node
# 8080 the public API; 9465 the API's operations port (metrics, readiness); 9464 the worker's SDK metrics;
# 9466 the worker's operations port (its own metrics, readiness).
EXPOSE 8080 9465 9464 9466
CMD ["node", "--import", "tsx", "api/server.ts"]
