/**
 * Only for /embed.js, before tandem-editor.css in the shadow root. Inherited properties still
 * flow from the host page into a shadow tree (font, colour, line-height, letter-spacing…), so
 * the root starts from initial values; `all` leaves custom properties alone, which is what lets
 * a host theme the editor with `--tandem-*`.
 */
export const embedCss = `
:host { all: initial; display: block; height: 100%; }
.tandem-root { all: initial; display: block; height: 100%; }
`;
