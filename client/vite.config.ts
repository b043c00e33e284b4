import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app build (index.html → src/app/main.tsx). Embedders import src/index.ts through their
// own bundler; the server serves dist/ and falls back to dist/index.html for app routes, so
// asset URLs must be absolute ('/assets/...') to work under /d/<name>.
export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // One editor bundle (Tiptap + ProseMirror + Yjs + React), ~240 kB gzipped: expected, not a leak.
    chunkSizeWarningLimit: 1000,
  },
  server: { port: 5173 },
});
