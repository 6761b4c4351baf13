// @ts-check
/**
 * The input history of this kernel session, for `history_request`: the cells run with
 * `store_history` (numbered by execution count) and the text/plain of their result. Access types as
 * in ipykernel: `tail` (the last n), `range` (lines start..stop-1 of a session) and `search` (a glob
 * pattern matched against the whole input, optionally unique, the last n). Only this session is
 * kept (nothing is written to disk), numbered {@link SESSION}; session 0 also means "this one".
 */
'use strict';

/** The number this session's entries carry. */
const SESSION = 1;

/** A glob (`*`, `?`, `[abc]`) as a regular expression matching the whole text. */
function globToRegExp(pattern) {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') source += '[\\s\\S]*';
    else if (c === '?') source += '[\\s\\S]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) source += '\\[';
      else {
        const set = pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        source += `[${set}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

class History {
  constructor() {
    /** @type {{ line: number, input: string, output: string | null }[]} */
    this.entries = [];
  }

  /** Records one stored cell and the text of its result (null if none). */
  add(
    /** @type {number} */ line,
    /** @type {string} */ input,
    /** @type {string | null} */ output,
  ) {
    this.entries.push({ line, input, output });
  }

  /**
   * The content of a `history_reply`.
   * @param {{ hist_access_type?: string, output?: boolean, n?: number, session?: number,
   *   start?: number, stop?: number, pattern?: string, unique?: boolean }} request
   */
  reply(request) {
    const found = this.select(request);
    const row = (e) => [SESSION, e.line, request.output ? [e.input, e.output] : e.input];
    return { status: 'ok', history: found.map(row) };
  }

  select(request) {
    const n = Number.isInteger(request.n) && Number(request.n) >= 0 ? Number(request.n) : null;
    const last = (list) => (n === null ? list : list.slice(Math.max(0, list.length - n)));
    switch (request.hist_access_type) {
      case 'tail':
        return last(this.entries);
      case 'range': {
        const session = request.session ?? 0;
        if (session !== 0 && session !== SESSION) return [];
        const start = request.start ?? 0;
        const stop = request.stop ?? Infinity;
        return this.entries.filter((e) => e.line >= start && e.line < stop);
      }
      case 'search': {
        const match = globToRegExp(request.pattern ?? '*');
        let hits = this.entries.filter((e) => match.test(e.input));
        if (request.unique) {
          const seen = new Set();
          hits = hits
            .reverse()
            .filter((e) => !seen.has(e.input) && seen.add(e.input))
            .reverse();
        }
        return last(hits);
      }
      default:
        return [];
    }
  }
}

module.exports = { History };
