import { isLoopbackHost } from '../../_loopback.js';
import { CONFIG_OPTION, type Command, print } from '../_command.js';
import { portOption, requirePositional, stringOption } from '../_shared.js';

export const previewCommand: Command = {
  name: 'preview',
  summary: 'Serve a live-reloading preview of every variant and subscriber',
  usage: 'rolecast preview ISSUE_DIR [--subscribers FILE] [--state FILE] [--port N] [--host H] [--config FILE]',
  options: {
    ...CONFIG_OPTION,
    subscribers: { type: 'string' },
    state: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
  },
  async run(args, ctx) {
    const issueDir = requirePositional(args, 0, 'ISSUE_DIR', this.usage);
    // Loaded on use: the preview renders, which brings MJML.
    const { startPreview } = await import('../../preview/index.js');
    const preview = await startPreview({
      issueDir,
      subscribersFile: stringOption(args, 'subscribers'),
      stateFile: stringOption(args, 'state'),
      configFile: stringOption(args, 'config'),
      cwd: ctx.cwd,
      host: stringOption(args, 'host'),
      port: portOption(args),
      env: ctx.env,
      log: (line) => print(ctx.stderr, line),
    });
    print(ctx.stdout, `Preview running at ${preview.url}`);
    const host = stringOption(args, 'host');
    if (host && !isLoopbackHost(host)) {
      print(
        ctx.stderr,
        `warning: listening on ${host}: anyone who can reach it sees every subscriber's name, address and message.`,
      );
    }
    print(ctx.stdout, 'Edits to the issue, templates, roles and subscribers reload the page. Press Ctrl+C to stop.');
    await new Promise<void>((done) => {
      if (ctx.signal.aborted) done();
      else ctx.signal.addEventListener('abort', () => done(), { once: true });
    });
    await preview.close();
    return 0;
  },
};
