import { describe, expect, it } from 'vitest';
import { htmlText } from '../../src/bounces/_html.js';

// A notice sent as HTML alone is read with the same character references as a summary.
describe('the text of a notice sent as HTML alone', () => {
  it.each([
    [
      'an accented name',
      '<p>Empf&auml;nger j&ouml;rg@example.com unbekannt</p>',
      'Empfänger jörg@example.com unbekannt',
    ],
    ['a typographic name', '<p>Delivery failed &mdash; mailbox full</p>', 'Delivery failed — mailbox full'],
    ['a no-break space inside <pre>', '<pre>From:&nbsp;list@example.com</pre>', 'From: list@example.com'],
    ['a reference to a control character, as written', '<p>a bell &#7; here</p>', 'a bell &#7; here'],
  ])('reads %s', (_, html, text) => {
    expect(htmlText(html).trim()).toBe(text);
  });
});
