/*
 * Text shown as plain text where VS Code would otherwise read it as markup. A
 * notification renders `[label](command:id?args)` as a link that runs the command; a
 * quick pick, a progress title and the status bar render `$(name)` as an icon; bidi
 * controls can make a path read as another one. Whatever the extension shows that
 * holds text it did not write (a URL, a file's line, a manifest's name, a server's
 * message) passes through `plainText` on the one prompt seam (src/ui.ts).
 */

/** A zero-width space: invisible, and it breaks `](` and `$(` so no link and no icon forms. */
const BREAK = '\u200b';

/**
 * Characters that change how text reads without being seen: C0 and C1 controls (line
 * breaks kept where allowed), bidi embeddings, overrides and isolates, zero-width
 * characters and the BOM. Each is shown as its code point instead.
 */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\u3164\ufeff\uffa0\u{e0000}-\u{e007f}]/gu;

export interface PlainTextOptions {
  /** Keep line breaks (a modal's detail); otherwise they become spaces. */
  multiline?: boolean;
  /** At most this many characters, the rest cut with an ellipsis. */
  max?: number;
}

export function plainText(text: string, options: PlainTextOptions = {}): string {
  const max = options.max ?? 4000;
  // Cut first (a 10 MB line never gets to the replacements), with room for what they add.
  // Never between the two halves of a surrogate pair.
  const at = max - 1 - (/[\ud800-\udbff]/.test(text[max - 2] ?? '') ? 1 : 0);
  let out = text.length > max ? `${text.slice(0, at)}…` : text;
  out = out.replace(/\r\n?/g, '\n').replace(options.multiline ? /\t/g : /[\n\t]+/g, ' ');
  out = out.replace(INVISIBLE, (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`);
  return out.replace(/\]\(/g, `]${BREAK}(`).replace(/\$\(/g, `$${BREAK}(`);
}

/**
 * Text for a Markdown document, on one line: what could open markup inline is escaped
 * (emphasis, code, links, HTML, table cells, entities), and so are the two forms GFM
 * turns into links by themselves (`scheme://` and `www.`). Paths stay readable.
 */
export function markdownText(text: string): string {
  return (
    plainText(text, { max: 2000 })
      // `$` too: the Markdown preview renders $…$ as math.
      .replace(/[\\`*_[\]<>|~&!$]/g, (c) => `\\${c}`)
      .replace(/:\/\//g, ':\\/\\/')
      .replace(/\bwww\./gi, (w) => `${w.slice(0, -1)}\\.`)
  );
}

/** A fenced code block of lines: the fence is longer than any run of backticks in them, so no line can close it. */
export function codeBlock(lines: readonly string[]): string {
  let longest = 0;
  for (const line of lines) for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [fence, ...lines.map((l) => plainText(l, { max: 2000 })), fence].join('\n');
}
