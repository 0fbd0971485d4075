// Vitest config for Stryker: only the in-process policy tests. The engine-protocol suites spawn a
// separate process, which cannot see Stryker's in-memory mutant switch, so they are left out.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["policy/test/**/*.test.ts"],
    // install-from-folder runs npm ci and a separate process too.
    exclude: ["policy/test/engine/**", "policy/test/install-from-folder.test.ts", "**/node_modules/**"],
    // One reused worker without per-file isolation: a mutant run costs milliseconds, not seconds.
    pool: "threads",
    isolate: false,
    fileParallelism: false,
    testTimeout: 120_000,
  },
});
