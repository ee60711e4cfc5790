import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { codeBlock, markdownText, plainText, redact } from '../../src/core';

/*
 * VS Code's notification renderer turns `[label](command:…)` into a link (its
 * linkedText pattern, below), and quick picks, progress titles and the status bar turn
 * `$(name)` into an icon. Whatever plainText returns must form neither.
 */
const LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
const ICON = /\$\([A-Za-z0-9-]+(~[A-Za-z]+)?\)/;

describe('plain text for prompts', () => {
  it('a command link, an icon and bidi controls from a manifest or a file line form nothing', () => {
    const hostile =
      'Could not read https://x.example/[Open Settings](command:workbench.action.openSettings?%5B%22qencodeCdn.apiUrl%22%5D) $(warning) a\u202Egnp.4pm';
    const out = plainText(hostile);
    assert.equal(out.match(LINK), null);
    assert.doesNotMatch(out, ICON);
    assert.ok(!out.includes('\u202e'));
    assert.match(out, /<U\+202E>/, 'the control is shown, not applied');
    assert.match(out, /Open Settings\]\u200b\(command:/, 'the text itself is still all there');
  });

  it('the other invisible or line-breaking characters are shown too; a cut never splits a surrogate pair', () => {
    assert.equal(plainText('a\u2028b\u00adc\u{E0041}d\u3164'), 'a<U+2028>b<U+00AD>c<U+E0041>d<U+3164>');
    assert.equal(plainText('😀😀😀', { max: 3 }), '😀…');
  });

  it('redaction stays linear on text built to make its token pattern backtrack', { timeout: 10_000 }, () => {
    assert.equal(redact('eyJ-'.repeat(65_536)).length, 4 * 65_536);
  });

  it('line breaks become spaces on one line, stay in a block; long text is cut', () => {
    assert.equal(plainText('a\nb\r\nc\td'), 'a b c d');
    assert.equal(plainText('a\nb', { multiline: true }), 'a\nb');
    assert.equal(plainText('x'.repeat(10_000), { max: 100 }).length, 100);
  });

  it('property: no text becomes a link or an icon, whatever it holds', () => {
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom('[', ']', '(', ')', '](', '$(', 'command:', 'https://', 'x', ' ', '\n', '\u200b', '\u202e'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
        const out = plainText(pieces.join(''));
        LINK.lastIndex = 0;
        assert.equal(LINK.exec(out), null);
        assert.doesNotMatch(out, ICON);
      }),
      { numRuns: 5000 },
    );
  });

  it('Markdown: text is escaped, and a fenced block cannot be closed by what it holds', () => {
    assert.equal(
      markdownText('a [b](command:x) *c* | `d` <e> streams/seg-1.m4s'),
      'a \\[b\\]\u200b(command:x) \\*c\\* \\| \\`d\\` \\<e\\> streams/seg-1.m4s',
    );
    assert.equal(
      markdownText('see https://x.example and www.example.com'),
      'see https:\\/\\/x.example and www\\.example.com',
      'no autolink forms',
    );
    assert.equal(markdownText('a $x$ b'), 'a \\$x\\$ b', 'no math forms');
    const block = codeBlock(['path/with```fence', 'ok']);
    assert.ok(block.startsWith('````\n') && block.endsWith('\n````'));
  });
});
