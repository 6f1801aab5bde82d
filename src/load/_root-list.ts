/**
 * A JSON file of one object (a summary, issue.json) written as a list, as an API's answer or a CMS
 * export is (`[{ … }]`): say it is a list, and to take the object out of it, to write one per file,
 * or, for an empty list, that it holds nothing. `what`: the object, as in "the summary's object".
 */
export function rootListProblem(
  list: readonly unknown[],
  what: 'summary' | 'issue',
  several: string,
): { message: string; hint: string } {
  if (list.length === 0)
    return {
      message: `holds an empty list ([ ]) and no ${what}`,
      hint: `write the ${what} as one JSON object, { … }, in place of the [ ]`,
    };
  return {
    message: `must be one JSON object, not a list (of ${list.length})`,
    hint: list.length === 1 ? `write the ${what}'s object alone, without the [ … ] around it` : several,
  };
}
