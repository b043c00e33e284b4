import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// /embed.js: one self-contained ES module (React, Tiptap, Yjs, styles) written beside the app
// in dist/, which the server serves. Library mode keeps the module's exports (the app build would
// tree-shake them away) and import.meta.url (the default server URL is where the script came from).
export default defineConfig({
  plugins: [react()],
  // Library mode leaves process.env.NODE_ENV for the consumer's bundler; a page has none.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: 'dist',
    emptyOutDir: false, // the app build (vite.config.ts) runs first and owns dist/
    copyPublicDir: false,
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
    lib: {
      entry: 'src/embed/index.ts',
      formats: ['es'],
      fileName: () => 'embed.js',
    },
    rollupOptions: {
      output: {
        // One file: a page imports one URL, nothing relative to resolve against it.
        codeSplitting: false,
        // Library mode keeps whitespace in ES output (for the consumer's bundler); this file is
        // served as is, so minify it fully.
        minify: true,
      },
    },
  },
});
