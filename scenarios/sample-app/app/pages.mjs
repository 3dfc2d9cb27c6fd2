// The HTML pages of the browser journey: a form that saves an item, and the page showing it.
//   GET  /           the form
//   POST /add        form field `text`; stores it as a new item, 303 to /added/<key>
//   GET  /added/:key the saved item's text, read back from the database (404 page if missing)
// The round trip through the database is deliberate: a journey fails when writes or reads fail.
import { randomUUID } from 'node:crypto';
import { HttpError, HtmlPage, readFormBody } from './http-util.mjs';

const escapes = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (text) => String(text).replace(/[&<>"']/g, (char) => escapes[char]);

function layout(title, body) {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>${body}</body></html>\n`;
}

const formPage = layout(
  'sample-app',
  '<h1>sample-app</h1><form method="post" action="/add"><label>Text <input name="text" required></label> <button type="submit">Save</button></form>',
);

/**
 * @param {{ release: ReturnType<typeof import('./releases.mjs').releaseFor>, pool: import('pg').Pool }} app
 * @returns {(req: import('node:http').IncomingMessage, path: string) => Promise<[number, HtmlPage] | null>} null: not a page
 */
export function createPages({ release, pool }) {
  async function add(req) {
    const text = (await readFormBody(req)).get('text') ?? '';
    if (text === '') throw new HttpError(400, 'form field "text" is empty');
    const key = `page-${randomUUID()}`;
    await release.insert(pool, key, text);
    return [303, new HtmlPage(layout('saved', `<p>Saved. <a href="/added/${key}">See it</a></p>`), { Location: `/added/${key}` })];
  }

  async function added(key) {
    const item = await release.get(pool, key);
    if (!item) return [404, new HtmlPage(layout('not found', `<p>No item ${esc(key)}</p>`))];
    return [200, new HtmlPage(layout('saved', `<h1>Saved</h1><p class="saved">${esc(item.value)}</p><p><a href="/">Add another</a></p>`))];
  }

  return async function page(req, path) {
    if (req.method === 'GET' && path === '/') return [200, new HtmlPage(formPage)];
    if (req.method === 'POST' && path === '/add') return add(req);
    if (req.method === 'GET' && /^\/added\/page-[0-9a-f-]+$/.test(path)) return added(path.slice('/added/'.length));
    return null;
  };
}
