# Tessera from this checkout: `docker build -t tessera .`, then `docker run -p 3000:3000 -v tessera-data:/data tessera`.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles where no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY contracts/package.json contracts/
COPY server/package.json server/
COPY web/package.json web/
COPY e2e/package.json e2e/
COPY bench/package.json bench/
RUN npm ci
COPY . .
RUN npm run build -w web && npm prune --omit=dev

FROM node:20-bookworm-slim
# PostgreSQL's client tools, for `tessera backup` and `tessera restore` on PostgreSQL.
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client tini && rm -rf /var/lib/apt/lists/* \
  && useradd --system --home /data --uid 10001 tessera && mkdir -p /data && chown tessera /data
WORKDIR /app
COPY --from=build /app /app
USER tessera
ENV NODE_ENV=production TESSERA_DATA_DIR=/data HOST=0.0.0.0 PORT=3000
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["tini", "--", "node", "server/bin/tessera.js"]
CMD ["start"]
