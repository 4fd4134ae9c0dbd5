import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';

/**
 * A report as a small tree of blocks, written once and serialized twice (report.md for GitHub, report.html
 * self-contained), so both say exactly the same thing.
 */
export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; inlines: Inline[] }
  | { kind: 'list'; items: Inline[][] }
  | { kind: 'table'; header: string[]; rows: Inline[][][]; align?: Array<'left' | 'right'> }
  | { kind: 'image'; src: string; alt: string }
  | { kind: 'code'; text: string }
  | { kind: 'details'; summary: string; blocks: Block[] };

/** A run of text: plain, bold, code, or a link (relative to the report's folder). */
export type Inline = string | { text: string; strong?: boolean; code?: boolean; href?: string };

export function markdown(blocks: Block[]): string {
  return `${blocks.map(blockMarkdown).join('\n\n')}\n`;
}

function blockMarkdown(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `${'#'.repeat(block.level)} ${block.text}`;
    case 'paragraph':
      return inlinesMarkdown(block.inlines);
    case 'list':
      return block.items.map((item) => `- ${inlinesMarkdown(item)}`).join('\n');
    case 'table': {
      const align = block.header.map((_, i) => (block.align?.[i] === 'right' ? '---:' : '---'));
      const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;
      return [
        row(block.header.map(escapeCell)),
        row(align),
        ...block.rows.map((r) => row(r.map((cell) => escapeCell(inlinesMarkdown(cell))))),
      ].join('\n');
    }
    case 'image':
      return `![${block.alt.replace(/[[\]]/g, '')}](${encodeURI(block.src)})`;
    case 'code':
      return `\`\`\`\n${block.text}\n\`\`\``;
    case 'details':
      // GitHub renders markdown inside <details> when blank lines surround it
      return `<details>\n<summary>${escapeHtml(block.summary)}</summary>\n\n${block.blocks.map(blockMarkdown).join('\n\n')}\n\n</details>`;
  }
}

function inlinesMarkdown(inlines: Inline[]): string {
  return mergeStrong(inlines)
    .map((i) => {
      if (typeof i === 'string') return escapeMarkdown(i);
      let text = i.code ? `\`${i.text.replace(/`/g, "'")}\`` : escapeMarkdown(i.text);
      if (i.strong) {
        // CommonMark ignores ** next to inner whitespace: keep the spaces outside the markers
        const [, lead = '', core = '', trail = ''] = /^(\s*)(.*?)(\s*)$/s.exec(text) ?? [];
        text = core ? `${lead}**${core}**${trail}` : text;
      }
      if (i.href !== undefined) text = `[${text}](${encodeURI(i.href)})`;
      return text;
    })
    .join('');
}

/** Adjacent bold runs become one (`**a****b**` does not render). */
function mergeStrong(inlines: Inline[]): Inline[] {
  const out: Inline[] = [];
  for (const i of inlines) {
    const last = out[out.length - 1];
    const plainStrong = (x: Inline | undefined): x is { text: string; strong: true } =>
      typeof x === 'object' && x.strong === true && !x.code && x.href === undefined;
    if (plainStrong(i) && plainStrong(last)) out[out.length - 1] = { text: last.text + i.text, strong: true };
    else out.push(i);
  }
  return out;
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>])/g, '\\$1');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * report.html: one file, CSS inline and every image inlined as a base64 data URI (read from `baseDir`),
 * so it can be mailed or attached to a ticket and still show its charts.
 */
export async function html(title: string, blocks: Block[], baseDir: string): Promise<string> {
  const body: string[] = [];
  for (const block of blocks) body.push(await blockHtml(block, baseDir));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; max-width: 1100px; margin: 2rem auto; padding: 0 1rem; color: #1f2937; line-height: 1.5; }
h1 { border-bottom: 2px solid #e5e7eb; padding-bottom: .3rem; }
h2 { margin-top: 2.5rem; border-bottom: 1px solid #e5e7eb; padding-bottom: .2rem; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .92rem; }
th, td { border: 1px solid #d1d5db; padding: .35rem .6rem; text-align: left; vertical-align: top; }
th { background: #f3f4f6; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr:nth-child(even) td { background: #fafafa; }
img { max-width: 100%; height: auto; border: 1px solid #e5e7eb; margin: .5rem 0; }
code, pre { font-family: "DejaVu Sans Mono", ui-monospace, monospace; background: #f3f4f6; border-radius: 3px; }
code { padding: 0 .25rem; }
pre { padding: .6rem .8rem; overflow-x: auto; }
details { margin: 1rem 0; }
summary { cursor: pointer; font-weight: 600; }
</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}

async function blockHtml(block: Block, baseDir: string): Promise<string> {
  switch (block.kind) {
    case 'heading':
      return `<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`;
    case 'paragraph':
      return `<p>${inlinesHtml(block.inlines)}</p>`;
    case 'list':
      return `<ul>\n${block.items.map((item) => `<li>${inlinesHtml(item)}</li>`).join('\n')}\n</ul>`;
    case 'table': {
      const cls = (i: number): string => (block.align?.[i] === 'right' ? ' class="num"' : '');
      const head = block.header.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join('');
      const rows = block.rows
        .map((r) => `<tr>${r.map((cell, i) => `<td${cls(i)}>${inlinesHtml(cell)}</td>`).join('')}</tr>`)
        .join('\n');
      return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>`;
    }
    case 'image': {
      const path = isAbsolute(block.src) ? block.src : join(baseDir, block.src);
      const data = (await readFile(path)).toString('base64');
      return `<p><img src="data:image/png;base64,${data}" alt="${escapeHtml(block.alt)}" width="1000"></p>`;
    }
    case 'code':
      return `<pre><code>${escapeHtml(block.text)}</code></pre>`;
    case 'details': {
      const inner: string[] = [];
      for (const b of block.blocks) inner.push(await blockHtml(b, baseDir));
      return `<details>\n<summary>${escapeHtml(block.summary)}</summary>\n${inner.join('\n')}\n</details>`;
    }
  }
}

function inlinesHtml(inlines: Inline[]): string {
  return inlines
    .map((i) => {
      if (typeof i === 'string') return escapeHtml(i);
      let text = escapeHtml(i.text);
      if (i.code) text = `<code>${text}</code>`;
      if (i.strong) text = `<strong>${text}</strong>`;
      if (i.href !== undefined) text = `<a href="${escapeHtml(encodeURI(i.href))}">${text}</a>`;
      return text;
    })
    .join('');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
