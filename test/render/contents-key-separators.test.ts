import { expect, it } from 'vitest';
import { type ContentsSection, contentsKey } from '../../src/render/view.js';

const whole = (name: string) => ({ before: '', name, after: '' });
const item = (title: string, anchor = 'a') => ({ title, anchor, href: undefined, linkName: title, rtl: false });

it('keeps two contents entries apart whatever characters their heading and titles hold', () => {
  // A heading may hold any character roles.yaml lets through: the key must not be fooled by one
  // that looks like a separator between values.
  const one: ContentsSection = {
    heading: 'Ops\u0000x\u0001a\u0001\u0002\u0001x\u0001false',
    headingParts: whole('Ops\u0000x\u0001a\u0001\u0002\u0001x\u0001false'),
    items: [item('y')],
  };
  const two: ContentsSection = { heading: 'Ops', headingParts: whole('Ops'), items: [item('x'), item('y')] };
  expect(contentsKey(one)).not.toBe(contentsKey(two));
  expect(contentsKey({ heading: 'A', headingParts: whole('A'), items: [item('t', 'b')] })).not.toBe(
    contentsKey({ heading: 'A', headingParts: whole('A'), items: [item('t', 'c')] }),
  );
  expect(contentsKey({ heading: 'A', headingParts: whole('A'), items: [item('t')] })).toBe(
    contentsKey({ heading: 'A', headingParts: whole('A'), items: [item('t')] }),
  );
});
