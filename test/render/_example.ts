import { join } from 'node:path';
import { planAudience } from '../../src/group/index.js';
import { loadProject } from '../../src/load/project.js';
import type { Subscriber } from '../../src/model/subscriber.js';
import { readerFields } from '../../src/render/fields.js';
import { type CompiledVariant, compileAudience, type PersonalisedMessage } from '../../src/render/index.js';
import { personalLinks } from '../../src/unsubscribe/links.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';

/** The example issue with the example subscribers, every variant compiled, and one reader per variant. */
export async function exampleAudience() {
  const project = await loadProject({
    issueDir: EXAMPLE_ISSUE,
    subscribersFile: join(REPO_ROOT, 'subscribers.example.json'),
    cwd: REPO_ROOT,
  });
  const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers ?? []);
  const compiled = await compileAudience(project, plan.variants);
  const readerOf = (variantId: string): Subscriber | undefined =>
    plan.recipients.find((r) => r.variantId === variantId)?.subscriber;
  const messageFor = (variant: CompiledVariant, reader?: Subscriber): PersonalisedMessage => {
    const who = reader ?? { email: 'editor@rolecast.example', name: 'Editor', locale: 'en-GB' };
    const links = personalLinks(project.config, 'example-secret-0123456789abcdef', project.issue.id, who.email);
    return variant.personalise(readerFields(links, who));
  };
  return { project, plan, compiled, readerOf, messageFor };
}
