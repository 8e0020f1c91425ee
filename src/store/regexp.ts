/**
 * SQLite's `REGEXP` (`x REGEXP p` calls regexp(p, x)), which SQLite leaves to the application:
 * JavaScript regular expressions, unanchored. A leading `(?ims)` sets flags, as PCRE writes them,
 * so a Sigma `|re|i` rule stays one bound pattern. Compiled patterns are kept per connection.
 */
export function createRegexpFunction(): (pattern: unknown, value: unknown) => number | null {
  const compiled = new Map<string, RegExp>();
  return (pattern, value) => {
    if (pattern === null || value === null || value === undefined) return null;
    const source = String(pattern);
    let regex = compiled.get(source);
    if (!regex) {
      const flags = /^\(\?([ims]+)\)/.exec(source);
      regex = flags ? new RegExp(source.slice(flags[0].length), flags[1]) : new RegExp(source);
      if (compiled.size >= 256) compiled.clear();
      compiled.set(source, regex);
    }
    return regex.test(String(value)) ? 1 : 0;
  };
}
