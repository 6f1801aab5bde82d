/** The render stage: templates → one MJML compile per audience variant → cheap per-reader fill. */
export { type RenderedAudience, renderAudience, renderProblems } from './audience.js';
export { type BuildEntry, renderBuildIndex } from './build-index.js';
export { compileAudience } from './compile-audience.js';
export { weekLine } from './dates.js';
export { TEXT_ENCODING } from './encoded-size.js';
export { createRenderer } from './renderer.js';
export type { Renderer, RendererOptions } from './renderer-options.js';
export { SAMPLE_READER, sampleFields } from './sample-reader.js';
export type { CompiledVariant, PersonalFields, PersonalisedMessage } from './types.js';
