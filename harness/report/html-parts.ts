// Small HTML building blocks. Every string from results goes through `esc`; markup we built
// ourselves is wrapped in `raw` so a table cell can tell the two apart.

export interface RawHtml {
  readonly html: string;
}

export type Content = string | number | RawHtml | null | undefined;

export function raw(html: string): RawHtml {
  return { html };
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values alike. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (char) => entities[char] ?? char);
}

export function content(value: Content): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return value.html;
  return esc(value);
}

/** A table; `headers` and cells are text unless wrapped in `raw`. */
export function table(headers: readonly Content[], rows: readonly (readonly Content[])[], className = ''): string {
  const head = headers.map((header) => `<th>${content(header)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${content(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<table${className ? ` class="${esc(className)}"` : ''}><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A titled box holding one table or a line saying there is nothing to show. */
export function panel(title: string, body: string): string {
  return `<div class="panel"><h3>${esc(title)}</h3>${body}</div>`;
}

export function emptyNote(text: string): string {
  return `<p class="empty">${esc(text)}</p>`;
}

/**
 * A relative link from results.json (logs folder). Anything with a scheme (javascript:, http:)
 * is made relative, so a crafted results file cannot turn the report into a launcher.
 */
export function safeRelativeHref(path: string): string {
  const relative = /^[a-z][a-z0-9+.-]*:/i.test(path) ? `./${path}` : path;
  return esc(encodeURI(relative));
}

/** An element id derived from a cell id: unique (the index) and readable (the slug). */
export function cellAnchor(cellId: string, index: number): string {
  const slug = cellId.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80);
  return `cell-${index}-${slug}`;
}

/** The start of a self-contained page, up to <body>: one policy, one stylesheet, no outside fetch. */
export function documentHead(page: { title: string; contentSecurityPolicy: string; css: string }): string[] {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${esc(page.contentSecurityPolicy)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<link rel="icon" href="data:,">',
    `<title>${esc(page.title)}</title>`,
    `<style>${page.css}</style>`,
    '</head><body>',
  ];
}
