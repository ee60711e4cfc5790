/*
 * A small XML reader for MPDs: elements, attributes and text, in one linear pass with
 * no backtracking, into a light tree. A general DOM (xmldom) took about 55 bytes of
 * heap per byte of a 20 MiB MPD; this takes a few, so the budget holds (budget.ts).
 *
 * It checks what makes a document well-formed where a wrong reading would change the
 * paths: every tag closed by its own name, attribute values quoted, each attribute
 * once, only XML's five named entities and character references, one root element.
 * It refuses a DTD outright (an MPD never has one; a DTD could define entities that
 * expand without bound). Names keep their prefix (`xlink:href`); `name` is the local
 * name, as MPD elements are matched whatever their namespace prefix.
 */

export interface XmlElement {
  /** The local name (`Period` for `mpd:Period`). */
  name: string;
  /** Attributes as qualified name and value, in turn: a flat array is a fraction of a Map's size. */
  attributes: string[];
  children: XmlElement[];
  /** The element's own text (character data and CDATA), entities decoded. */
  text: string;
}

/** An attribute's value by qualified name. */
export function attribute(e: XmlElement, name: string): string | undefined {
  for (let i = 0; i < e.attributes.length; i += 2) if (e.attributes[i] === name) return e.attributes[i + 1];
  return undefined;
}

/** Elements without children share this one (never pushed to: a parent gets its own array first). */
const NO_CHILDREN: XmlElement[] = [];

export class XmlError extends Error {
  constructor(message: string, text: string, at: number) {
    let line = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
    super(`malformed XML (line ${line}: ${message})`);
  }
}

/** Elements without attributes share this one (never pushed to: an element gets its own array first). */
const NO_ATTRIBUTES: string[] = [];

/** Bounds of one document: an MPD of a real stream has a few thousand elements, each a handful of attributes. */
export const XML_LIMITS = { elements: 1_000_000, attributes: 256, depth: 64 } as const;

/**
 * Names are few and repeat (`S`, `t`, `d`...): each is kept once, per document (a cache
 * that outlived it would keep slices of every document read), short names only.
 */
function internNames(): (name: string) => string {
  const names = new Map<string, string>();
  return (name) => {
    if (name.length > 64) return name;
    let kept = names.get(name);
    if (kept === undefined) names.set(name, (kept = name));
    return kept;
  };
}

/** The end of the XML name that starts at `i` (letters, digits, `_`, `-`, `.`, `:`), or `i` when none starts there. */
function nameEnd(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122) || first === 95)) return i;
  let j = i + 1;
  for (; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (!(
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      (c >= 48 && c <= 57) ||
      c === 95 ||
      c === 45 ||
      c === 46 ||
      c === 58
    ))
      break;
  }
  return j;
}
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(raw: string, text: string, at: number): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&([^;&\s]{0,12});?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new XmlError('an "&" that begins no entity', text, at);
    if (Object.hasOwn(ENTITIES, ref)) return ENTITIES[ref]!;
    const code = ref.startsWith('#x')
      ? parseInt(ref.slice(2), 16)
      : ref.startsWith('#')
        ? parseInt(ref.slice(1), 10)
        : NaN;
    if (!Number.isInteger(code) || code < 1 || code > 0x10ffff || !/^#(x[0-9a-fA-F]+|[0-9]+)$/.test(ref))
      throw new XmlError(`an unknown entity &${ref.slice(0, 12)};`, text, at);
    return String.fromCodePoint(code);
  });
}

export function parseXml(text: string, options: { maxDepth?: number } = {}): XmlElement {
  const maxDepth = options.maxDepth ?? XML_LIMITS.depth;
  const intern = internNames();
  let elements = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  const n = text.length;
  const fail = (message: string, at = i): never => {
    throw new XmlError(message, text, at);
  };
  const skipTo = (close: string, what: string) => {
    const end = text.indexOf(close, i);
    if (end < 0) fail(`${what} that is not closed`);
    i = end + close.length;
  };
  const addText = (raw: string, at: number) => {
    // White space between elements is not kept: a large MPD is mostly that.
    if (!/\S/.test(raw)) return;
    const top = stack[stack.length - 1];
    if (top) top.text += decode(raw, text, at);
    else fail('text outside the root element', at);
  };

  if (text.charCodeAt(0) === 0xfeff) i = 1;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      addText(text.slice(i), i);
      break;
    }
    if (lt > i) addText(text.slice(i, lt), i);
    i = lt;
    if (text.startsWith('<!--', i)) {
      skipTo('-->', 'a comment');
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i);
      if (end < 0) fail('a CDATA section that is not closed');
      if (!stack.length) fail('CDATA outside the root element');
      stack[stack.length - 1]!.text += text.slice(i + 9, end);
      i = end + 3;
    } else if (text.startsWith('<!', i)) {
      // Not "malformed": a DTD is refused on purpose, and the message says so.
      throw new Error('it has a DTD (<!DOCTYPE or <!ENTITY), which an MPD never needs: it is not read');
    } else if (text.startsWith('<?', i)) {
      skipTo('?>', 'a processing instruction');
    } else if (text.startsWith('</', i)) {
      i += 2;
      const end = nameEnd(text, i);
      if (end === i) fail('a closing tag without a name');
      const name = text.slice(i, end);
      i = end;
      while (i < n && /\s/.test(text[i]!)) i++;
      if (text[i] !== '>') fail(`the closing tag </${name}> is not closed`);
      i++;
      const open = stack.pop();
      if (!open || open.name !== localName(name)) fail(`</${name}> closes ${open ? `<${open.name}>` : 'nothing'}`, lt);
    } else {
      i++;
      if (++elements > XML_LIMITS.elements) fail(`more than ${XML_LIMITS.elements} elements`, lt);
      const tag = readTag(text, i, lt, intern);
      const element = tag.element;
      i = tag.end;
      const selfClosing = text[i] === '/';
      i += selfClosing ? 2 : 1;
      const parent = stack[stack.length - 1];
      if (parent) {
        if (parent.children === NO_CHILDREN) parent.children = [];
        parent.children.push(element);
      } else if (root) fail('a second root element', lt);
      else root = element;
      if (!selfClosing) {
        stack.push(element);
        if (stack.length > maxDepth) fail(`elements nested deeper than ${maxDepth} levels`, lt);
      }
    }
  }
  if (stack.length) fail(`<${stack[stack.length - 1]!.name}> is not closed`, n);
  if (!root) fail('no root element', 0);
  return root!;
}

/**
 * An opening tag's name and attributes, from just after its `<`; `end` is at its `>` or
 * `/>`. A name repeated is refused; more than XML_LIMITS.attributes too (a set of the
 * names seen keeps the check linear).
 */
function readTag(
  text: string,
  start: number,
  lt: number,
  intern: (name: string) => string,
): { element: XmlElement; end: number } {
  const n = text.length;
  let i = start;
  const fail = (message: string, at = i): never => {
    throw new XmlError(message, text, at);
  };
  const end = nameEnd(text, i);
  if (end === i) fail('a "<" that begins no tag');
  const element: XmlElement = {
    name: intern(localName(text.slice(i, end))),
    attributes: NO_ATTRIBUTES,
    children: NO_CHILDREN,
    text: '',
  };
  i = end;
  const seen = new Set<string>();
  for (;;) {
    const before = i;
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) fail(`the tag <${element.name}> is not closed`, lt);
    if (text[i] === '>' || text.startsWith('/>', i)) break;
    if (i === before) fail(`no space before an attribute of <${element.name}>`);
    const nameStop = nameEnd(text, i);
    if (nameStop === i) fail(`a malformed attribute in <${element.name}>`);
    const name = intern(text.slice(i, nameStop));
    i = nameStop;
    while (i < n && /\s/.test(text[i]!)) i++;
    if (text[i] !== '=') fail(`the attribute ${name} has no value`);
    i++;
    while (i < n && /\s/.test(text[i]!)) i++;
    const quote = text[i];
    if (quote !== '"' && quote !== "'") fail(`the value of ${name} is not quoted`);
    const close = text.indexOf(quote!, i + 1);
    if (close < 0) fail(`the value of ${name} is not closed`);
    const raw = text.slice(i + 1, close);
    if (raw.includes('<')) fail(`a "<" in the value of ${name}`);
    if (seen.has(name)) fail(`the attribute ${name} appears twice in <${element.name}>`);
    if (seen.size >= XML_LIMITS.attributes) fail(`<${element.name}> has more than ${XML_LIMITS.attributes} attributes`);
    seen.add(name);
    if (element.attributes === NO_ATTRIBUTES) element.attributes = [];
    element.attributes.push(name, decode(raw, text, i));
    i = close + 1;
  }
  return { element, end: i };
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}
