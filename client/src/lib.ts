// The package build's entry (vite.lib.config.ts): the public API, plus the stylesheet so that
// Vite extracts it into lib/style.css. Kept apart from index.ts so that the published types
// (generated from index.ts) carry no import of a .css file.
import './editor/ui/tandem-editor.css';

export * from './index';
