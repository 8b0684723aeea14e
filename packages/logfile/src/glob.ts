// Enough of glob for log paths: `*` and `?` within a path segment, `**` across
// segments, `[abc]` / `[a-z]` / `[!abc]` classes. Patterns use `/`.

const MAGIC = /[*?[]/

export function isGlob(text: string): boolean {
  return MAGIC.test(text)
}

/** The leading segments without magic (where to start walking) and the rest of the pattern. */
export function splitGlob(pattern: string): { base: string; rest: string } {
  const segments = pattern.split('/')
  const magicAt = segments.findIndex((s) => MAGIC.test(s))
  const baseSegments = segments.slice(0, magicAt)
  const base = baseSegments.length === 0 ? '.' : baseSegments.join('/') || '/'
  return { base, rest: segments.slice(magicAt).join('/') }
}

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch
}

/** A RegExp matching whole relative paths (`/`-separated) against a glob. */
export function globToRegExp(glob: string): RegExp {
  let source = ''
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!
    if (ch === '*' && glob[i + 1] === '*') {
      const atSegmentEnd = glob[i + 2] === '/'
      source += atSegmentEnd ? '(?:[^/]*(?:/|$))*' : '.*'
      i += atSegmentEnd ? 2 : 1
    } else if (ch === '*') source += '[^/]*'
    else if (ch === '?') source += '[^/]'
    else if (ch === '[') {
      const close = glob.indexOf(']', i + 2)
      if (close < 0) {
        source += '\\['
        continue
      }
      let body = glob.slice(i + 1, close)
      const negate = body.startsWith('!') || body.startsWith('^')
      if (negate) body = body.slice(1)
      source += `[${negate ? '^/' : ''}${body.replace(/[\\\]]/g, (c) => `\\${c}`)}]`
      i = close
    } else source += escapeRegExp(ch)
  }
  return new RegExp(`^${source}$`)
}
