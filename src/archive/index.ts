/** The web archive: static pages of past issues and an Atom feed, with no subscriber data. */
export { type ArchiveOptions, type ArchiveResult, buildArchive, neutralFields, siteFor } from './build.js';
export { type ArchiveEntry, type ArchiveSite, escapeXml, renderAtomFeed, renderIndexPage } from './pages.js';
