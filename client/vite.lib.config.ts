import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The npm package (`npm pack -w client`): our own code only, as ESM, with the styles as their
// own file (lib/style.css). Every dependency stays an import: the peers (react, react-dom, yjs,
// @tiptap/core, @tiptap/pm) so that a page has one copy of each, also when the host adds its own
// Tiptap extensions; the others so that the host's bundler deduplicates them too.
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};
const externals = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
const isExternal = (id: string) => externals.some((name) => id === name || id.startsWith(`${name}/`));

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'lib',
    emptyOutDir: true,
    copyPublicDir: false,
    sourcemap: true,
    target: 'es2022',
    lib: {
      entry: 'src/lib.ts',
      formats: ['es'],
      fileName: () => 'index.js',
      cssFileName: 'style',
    },
    rollupOptions: { external: isExternal },
  },
});
