// Dependency rules for Tessera, checked by `npm run deps` (part of `npm test`).
// Each rule names a shape the code keeps; a new import that breaks one fails the build.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "Modules form a tree: a cycle (type-only imports included) makes load order fragile and hides a missing module.",
      from: {},
      to: { circular: true },
    },
    {
      name: "db-depends-on-no-domain",
      severity: "error",
      comment: "server/src/db is the bottom layer: connections, migrations, table types. Domains build on it, never the reverse.",
      from: { path: "^server/src/db/" },
      to: { path: "^server/src/", pathNot: "^server/src/(db/|config\\.ts$|errors\\.ts$)" },
    },
    {
      name: "migrations-import-no-app-code",
      severity: "error",
      comment: "A migration is frozen history: it must not change when app code does.",
      from: { path: "^server/src/db/migrations/" },
      to: { path: "^server/src/", pathNot: "^server/src/db/(migrations/|dialect\\.ts$)" },
    },
    {
      name: "admin-uses-no-agent-internals",
      severity: "error",
      comment: "The admin pages are their own bundle: shared pieces belong in web/src/ui or web/src/api, not in the agent workspace.",
      from: { path: "^web/src/admin/" },
      to: { path: "^web/src/agent/" },
    },
    {
      name: "server-and-web-apart",
      severity: "error",
      comment: "The server and the web app share only contracts/.",
      from: { path: "^(server|web)/src/" },
      to: { path: "^(web|server)/src/", pathNot: "^$1/src/" },
    },
    {
      name: "contracts-stand-alone",
      severity: "error",
      comment: "contracts/ is imported by both sides and imports neither.",
      from: { path: "^contracts/src/" },
      to: { path: "^(server|web|e2e|bench)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist|artifacts)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".d.ts"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
