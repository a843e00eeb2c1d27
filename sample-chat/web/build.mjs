// Bundles the page into ../target/classes/chat-web (served by `chat server` at /): src/main.ts with its
// dependencies as one ES module, and the static files of public/ as they are.
import { build } from "esbuild";
import { cpSync, mkdirSync } from "node:fs";

const out = "../target/classes/chat-web";
mkdirSync(out, { recursive: true });
cpSync("public", out, { recursive: true });
await build({
  entryPoints: ["src/main.ts"],
  outfile: `${out}/app.js`,
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  minify: true,
  sourcemap: "linked",
  // @typedrpc/web is a link to ../../typedrpc-web: its imports resolve from this project's node_modules,
  // so the bundle holds one copy of @bufbuild/protobuf and @connectrpc/connect
  preserveSymlinks: true,
  logLevel: "warning",
});
