import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTopicEngagement } from '../../src/analytics/history.js';
import { currentRoleName, writeRenamedRoleHistory } from '../helpers/renamed-role-history.js';

/**
 * rolecast new --by-engagement orders each role's picks by the topics its readers clicked. A role
 * renamed in roles.yaml (the old name kept as an alias, "Chief Technology Officer" → CTO) lost the
 * clicks its readers gave under the old name: CTO's picks were ordered as if they had clicked
 * nothing. Every recorded name is read through today's roles file, as rolecast report does.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-engagement-renamed-'));
  writeRenamedRoleHistory(dir);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('topic engagement over a renamed role', () => {
  it("counts the clicks given under the role's old name", async () => {
    const engagement = await readTopicEngagement({ stateDirAbs: dir }, 8, undefined, currentRoleName);
    expect([...(engagement?.roles.keys() ?? [])].sort()).toEqual(['CTO', 'Designer']);
    expect(engagement?.roles.get('CTO')).toMatchObject({ unique: 1, readers: 4 });
  });
});
