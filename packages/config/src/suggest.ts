/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase()
  const t = b.toLowerCase()
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) => Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1)
      d[i]![j] = best
    }
  }
  return d[s.length]![t.length]!
}

/**
 * The candidate closest to `name`, if it is close enough to be a likely typo (or a part of it).
 * `looseness` is the share of the longer name that may differ (a third by default).
 */
export function closest(name: string, candidates: Iterable<string>, looseness = 1 / 3): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate)
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance]
  }
  if (best === undefined) return undefined
  const limit = Math.max(2, Math.floor(Math.max(name.length, best.length) * looseness))
  const lower = name.toLowerCase()
  const partOf = best.includes(lower) || lower.includes(best)
  return bestDistance <= limit || (partOf && lower.length >= 3) ? best : undefined
}

/** `; did you mean \`x\`?` or `''`. */
export function didYouMean(name: string, candidates: Iterable<string>, format = (c: string) => c, looseness?: number): string {
  const best = closest(name, candidates, looseness)
  return best === undefined ? '' : `; did you mean \`${format(best)}\`?`
}
