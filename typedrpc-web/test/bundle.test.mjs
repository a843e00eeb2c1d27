// The package bundles for browsers: no Node built-in is reachable from its entry point.
import { test } from "node:test";
import assert from "node:assert/strict";
import { build } from "esbuild";

test("the package bundles for the browser with esbuild", async () => {
  const result = await build({
    entryPoints: ["dist/index.js"],
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "silent",
  });
  assert.equal(result.errors.length, 0);
  const code = result.outputFiles[0].text;
  assert.match(code, /typedrpc\.v1/);
  assert.doesNotMatch(code, /from "node:|require\("node:/);
});
