/** Layering: http → api → core, api → store → core; core does no I/O and depends on nothing. */
module.exports = {
  forbidden: [
    { name: "core-is-pure", severity: "error", from: { path: "^src/core" }, to: { path: "^src/(store|api|http|cli)" } },
    { name: "core-no-io", severity: "error", from: { path: "^src/core" }, to: { path: "^(fs|node:fs|net|node:net|http|node:http|better-sqlite3|pg)" } },
    { name: "store-below-api", severity: "error", from: { path: "^src/store" }, to: { path: "^src/(api|http|cli)" } },
    { name: "api-below-http", severity: "error", from: { path: "^src/api" }, to: { path: "^src/(http|cli)" } },
    { name: "http-not-cli", severity: "error", from: { path: "^src/http" }, to: { path: "^src/cli" } },
    // Cycles made only of type imports are erased at compile time; runtime cycles are not allowed.
    { name: "no-circular", severity: "error", from: {}, to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
  },
};
