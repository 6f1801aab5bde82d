/** The editors' preview: a local server that renders every variant and reader, and reloads on change. */
export { DEFAULT_HOST, FIRST_PORT, type PreviewOptions, type PreviewServer, startPreview } from './server.js';
