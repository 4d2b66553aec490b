// Shared by the vitest suites and the win32 suite (plain CommonJS, so node.exe and TypeScript both load it).

/**
 * Splits a cmd.exe command line into arguments; null when an unquoted metacharacter is in it. The
 * tool's placeholders (<password>, <drive-or-path>) are replaced by the admin, so they are not judged.
 */
function cmdArgs(line) {
  if (/[\r\n]/.test(line)) return null;
  line = line.replace(/<password>/g, 'PASSWORD').replace(/<drive-or-path>/g, 'DRIVE');
  const out = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') {
      quoted = !quoted;
      continue;
    }
    if (!quoted && /[&|<>^()%]/.test(ch)) return null;
    if (!quoted && ch === ' ') {
      if (cur) out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (quoted) return null;
  if (cur) out.push(cur);
  return out;
}

module.exports = { cmdArgs };
