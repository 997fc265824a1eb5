/**
 * Writes a gzip (-9) and a Brotli (quality 11) copy beside every script, style sheet and SVG
 * in dist/assets, once at build time. Tessera's server sends the copy the browser accepts
 * (@fastify/static's preCompressed), so the app goes over the wire compressed without a proxy
 * in front and without compressing on every request.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const assets = fileURLToPath(new URL("../dist/assets/", import.meta.url));
let files = 0;
for (const name of readdirSync(assets)) {
  if (!/\.(js|css|svg)$/.test(name)) continue;
  const file = path.join(assets, name);
  const body = readFileSync(file);
  writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
  writeFileSync(`${file}.br`, brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
  files++;
}
console.log(`precompressed ${files} assets (gzip and brotli)`);
