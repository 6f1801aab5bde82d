#!/usr/bin/env node
// Signal handling is set up before the commands load (mjml alone takes a while to import).

// A reader that stops early (`rolecast status | head -1`) closes the pipe: stop writing and finish
// the command as usual, without a stack. A send keeps recording what it sends either way.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

const controller = new AbortController();
let signals = 0;
const onSignal = (name: NodeJS.Signals) => {
  signals++;
  // A second signal means "stop now"; the first lets in-flight work finish.
  if (signals > 1) process.exit(130);
  process.stderr.write(`\nreceived ${name}: finishing work in flight…\n`);
  controller.abort(name);
};
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));

// Started through `npx`, the CLI runs under `npm exec`; a signal that kills npm never reaches it.
// When the parent goes away (this process is re-parented), stop as if signalled.
const parent = process.ppid;
const orphanCheck = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(orphanCheck);
  onSignal('SIGHUP');
  // Work in flight (a send's open messages) gets a bounded time to finish and be recorded.
  setTimeout(() => process.exit(130), 30_000).unref();
}, 1_000);
orphanCheck.unref();

const { main } = await import('./main.js');
const code = await main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
});
process.exitCode = code;
// Signalled, the command has done what it could: a connection left hanging (a database that no
// longer answers) must not keep the process from ending. What it printed is written first: a pipe
// takes output as its reader reads, and an exit drops what waits (a report, a --json document).
if (controller.signal.aborted) setTimeout(() => void exitOncePrinted(), 1_000).unref();

async function exitOncePrinted(): Promise<void> {
  await Promise.all([process.stdout, process.stderr].map(written));
  process.exit();
}

function written(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return Promise.resolve();
  return new Promise((done) => {
    // Called once every write before it is out ('drain' comes only after a write refused).
    stream.write('', () => done());
    // A reader gone (EPIPE) closes the stream: nothing more can be written.
    stream.once('close', () => done());
  });
}
// Let stdout drain; servers (preview, serve) keep the process alive on their own until closed.
