import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { formatProblem } from '../../src/errors.js';
import { parseTaxonomy } from '../../src/roles/taxonomy.js';
import { REPO_ROOT } from '../helpers/project.js';

/** Keys zod would drop silently are reported by name, odd ones (`__proto__`) included. */
describe('unknown keys in the config and the role taxonomy', () => {
  it('config: a misspelt key gets a did-you-mean; __proto__ is named, never applied', () => {
    const base = readFileSync(join(REPO_ROOT, 'rolecast.config.json'), 'utf8').trim();
    const raw = `${base.slice(0, -1)},\n  "sendr": "x",\n  "send": { "concurency": 3 },\n  "__proto__": { "polluted": true }\n}\n`;
    const config = parseConfig(raw, '/p/rolecast.config.json');
    const lines = (config.problems ?? []).map(formatProblem);
    expect(
      lines.some((l) => /: warning: sendr: is not a known field and is ignored — did you mean "sender"\?/.test(l)),
    ).toBe(true);
    expect(lines.some((l) => /: warning: __proto__: is not a known field/.test(l))).toBe(true);
    expect(lines.some((l) => /warning: send\.concurency: .*did you mean "concurrency"\?/.test(l))).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(lines.join('\n')).not.toContain('[object Object]');
  });

  it('roles.yaml: unknown keys at the top and in a role are named, at their lines', () => {
    const taxonomy = parseTaxonomy(
      'rolez: []\n__proto__:\n  x: 1\nroles:\n  - name: CTO\n    alias: [Chief Technology Officer]\n    constructor: odd\n',
      'roles.yaml',
    );
    const lines = (taxonomy.problems ?? []).map(formatProblem);
    expect(lines).toContain(
      'roles.yaml:1: warning: rolez: is not a known field and is ignored — did you mean "roles"?',
    );
    expect(lines).toContain(
      'roles.yaml:2: warning: __proto__: is not a known field and is ignored — use one of: roles',
    );
    expect(lines).toContain(
      'roles.yaml:6: warning: roles[0].alias: is not a known field and is ignored — did you mean "aliases"?',
    );
    expect(lines.some((l) => l.includes('roles[0].constructor: is not a known field'))).toBe(true);
  });
});
