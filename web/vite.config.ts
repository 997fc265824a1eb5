import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev -w web` serves the app with hot reload on :5173 and forwards /api to a Tessera
// started with `npm start` (or `npx tessera start`) on :3000, so cookies stay same-origin.
export default defineConfig({
  plugins: [react()],
  server: { proxy: { "/api": "http://localhost:3000" } },
  build: {
    target: "es2022",
    // The server serves dist/assets with long-lived caching; nothing else may live beside index.html.
    assetsDir: "assets",
    // Vite would inline small assets as data: URLs, which the CSP allows for images and fonts
    // only; keeping files separate keeps the rule simple.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      output: {
        // Everything index.html's script imports statically loads at start anyway: one file
        // rather than a dozen shared pieces compresses better and costs fewer requests. What
        // loads later (each face, dialogs) is still split as usual.
        codeSplitting: { groups: [{ name: "start", tags: ["$initial"] }] },
      },
    },
  },
});
