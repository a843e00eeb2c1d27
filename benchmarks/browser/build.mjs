// Bundles the benchmark page into ../target/classes/browser-bench (served by the benchmark's typedrpc server at
// /): src/bench.ts with its dependencies as one ES module, and the static files of public/ as they are.
import { build } from "esbuild";
import { cpSync, mkdirSync } from "node:fs";

const out = "../target/classes/browser-bench";
mkdirSync(out, { recursive: true });
cpSync("public", out, { recursive: true });
await build({
  entryPoints: ["src/bench.ts"],
  outfile: `${out}/bench.js`,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  // @typedrpc/web is a link to ../../typedrpc-web: its imports resolve from this project's node_modules,
  // so the bundle holds one copy of @bufbuild/protobuf and @connectrpc/connect
  preserveSymlinks: true,
  logLevel: "warning",
});
