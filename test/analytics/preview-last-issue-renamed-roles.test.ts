import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { previousIssueReport } from '../../src/analytics/previous.js';
import { currentRoleName, writeRenamedRoleHistory } from '../helpers/renamed-role-history.js';

/**
 * The preview's panel on the last issue judges roles over the issues sent before it. A role
 * renamed in roles.yaml between them (the old name kept as an alias, "Chief Technology Officer"
 * → CTO) was two roles there: CTO, clicked under its old name last week, was called a role that
 * drew no click. Every recorded name is read through today's roles file, as rolecast report does.
 */

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-preview-renamed-'));
  writeRenamedRoleHistory(dir);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the preview's report of the last issue over a renamed role", () => {
  it('does not call a role quiet that drew clicks under its old name', async () => {
    const report = await previousIssueReport({ stateDirAbs: dir }, '2026-W49', undefined, undefined, currentRoleName);
    expect(report?.issues).toEqual(['2026-W48']);
    expect(report?.feedback.quietOver).toBe(2);
    expect(report?.feedback.quietRoles).toEqual([]);
  });
});
