/** The manifest's name in an issue folder, apart from the loader so `status` need not load the summary parsers. */
export const MANIFEST_FILE = 'issue.json';
