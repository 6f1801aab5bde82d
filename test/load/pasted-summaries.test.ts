import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Summaries as editors paste them from documents, chat tools and Markdown editors. */
const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: [] },
  { name: 'Executive', aliases: [] },
  { name: 'ML Engineer', aliases: [] },
  { name: 'Product Manager', aliases: [] },
]);

const parse = (file: string, ...lines: string[]) => parseSummary(`${lines.join('\n')}\n`, file, taxonomy);

describe('summaries as editors paste them', () => {
  it('keeps an English "Roles：" or "Audience：" label inside CJK prose as the prose it is', () => {
    const { summary, problems } = parse(
      'cjk.txt',
      '大模型的成本',
      'Summary',
      '文章认为推理成本正在下降。',
      'Roles：工程经理、架构师都需要理解这一点',
      '缓存可以大幅降低成本',
      'Audience：面向平台团队的读者',
      'Best for: CTO, ML Engineer',
    );
    expect(problems).toEqual([]);
    expect(summary?.roles).toEqual(['CTO', 'ML Engineer']);
    expect(summary?.summary).toBe(
      '文章认为推理成本正在下降。 Roles：工程经理、架构师都需要理解这一点 缓存可以大幅降低成本 Audience：面向平台团队的读者',
    );
  });
});
