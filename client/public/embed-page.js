// The /embed/<name> page's script (a file, not inline: the page's CSP allows no inline script).
import { mountTandemEditor } from '/embed.js';

const params = new URLSearchParams(location.search);
const name = decodeURIComponent(location.pathname.slice('/embed/'.length));
mountTandemEditor(document.getElementById('editor'), {
  document: name,
  token: params.get('token') || undefined,
  user: params.get('name') ? { name: params.get('name') } : undefined,
  editable: params.get('readonly') !== '1',
});
