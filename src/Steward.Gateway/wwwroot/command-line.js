// The command line an operator types, as the argv of REQCliCommand (which runs no shell). Split the way a POSIX shell
// splits words, and nothing more: 'single' and "double" quotes, backslash escapes; no variables, globs or pipes
// (for those, type bash -c '...').
export function splitCommandLine(line) {
  const args = [];
  let word = '';
  let inWord = false;
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = null; else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) args.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`the command has an unclosed ${quote} quote`);
  if (inWord) args.push(word);
  if (args.length === 0) throw new Error('type a command to run, e.g. uname -n');
  return args;
}
