/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// The Tauri shell loads `ui/dist` from disk and, in development, this dev server on a fixed port.
// No plugin is needed: esbuild compiles Preact's JSX with the automatic runtime.
export default defineConfig({
  base: "./",
  clearScreen: false,
  server: { port: 1420, strictPort: true, host: "127.0.0.1" },
  preview: { port: 1421, strictPort: true, host: "127.0.0.1" },
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: { outDir: "dist", emptyOutDir: true, target: "es2021", sourcemap: false },
  // jsdom builds the 32 × 60 grid in about a second on a busy 2-core machine: room for that.
  test: { environment: "jsdom", include: ["tests/**/*.test.ts", "tests/**/*.test.tsx"], testTimeout: 20000 },
});
