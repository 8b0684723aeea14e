// JSON.parse keeps the last of two equal keys in an object and drops the other
// silently (`"tags":{"s":"Kp","s":"Aa"}` reads as `{"s":"Aa"}`), so a line with a
// repeated key would lose a value. Only the general path (JSON.parse) needs this
// scan: the strict scanner checks its keys as it reads them, and line shapes
// are remembered only from lines it accepted.

export interface DuplicateKey {
  /** The keys of the objects around it and the key itself (`["tags", "s"]`). */
  path: string[]
  /** 0-based position of the repeated key's opening quote. */
  at: number
}

/**
 * The first key that appears twice in one object of `line`, which JSON.parse
 * has accepted; undefined when there is none. Keys compare as JSON.parse reads
 * them (`"a"` and `"\u0061"` are the same key).
 */
export function duplicateKey(line: string): DuplicateKey | undefined {
  // Per open container: the keys seen (null for an array), and the key it is the value of.
  const seen: (Set<string> | null)[] = []
  const names: string[] = []
  let key: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i)
    if (c === 0x22 /* " */) {
      const open = i
      let escaped = false
      for (i++; ; i++) {
        const d = line.charCodeAt(i)
        if (d === 0x5c) {
          escaped = true
          i++
        } else if (d === 0x22) break
      }
      const text = escaped ? (JSON.parse(line.slice(open, i + 1)) as string) : line.slice(open + 1, i)
      let next = i + 1
      while (next < line.length && line.charCodeAt(next) <= 0x20) next++
      if (line.charCodeAt(next) !== 0x3a /* : */) continue // a value
      const keys = seen[seen.length - 1]!
      if (keys!.has(text)) return { path: [...names.slice(1), text], at: open }
      keys!.add(text)
      key = text
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      seen.push(c === 0x7b ? new Set() : null)
      names.push(key ?? '')
      key = undefined
    } else if (c === 0x7d || c === 0x5d) {
      seen.pop()
      names.pop()
      key = undefined
    }
  }
  return undefined
}

/** What a repeated key is called in an error: `tag "s"`, `field "a"`, else `key "time"` (with the keys around it). */
export function describeDuplicateKey({ path }: DuplicateKey): string {
  if (path.length === 2 && path[0] === 'tags') return `tag ${JSON.stringify(path[1])} appears twice`
  if (path.length === 2 && path[0] === 'fields') return `field ${JSON.stringify(path[1])} appears twice`
  return `key ${JSON.stringify(path.join('.'))} appears twice`
}
