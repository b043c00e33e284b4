// /embed.js: one ES module (React, Tiptap, Yjs and the styles included) for pages that are not
// React apps. `import { mountTandemEditor } from 'https://tandem.example.com/embed.js'`.
export { mountTandemEditor, type MountOptions, type MountedEditor } from './mount';
