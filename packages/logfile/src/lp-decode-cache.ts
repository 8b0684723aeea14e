// What the line protocol decoder remembers from the lines it has read. A station
// logs the same few series over and over: the text before a line's first
// space (`measurement,tag=value,...`) decides the measurement and the tags, so
// both are kept by that text, once the decoder has read and checked them from
// a whole line. (Names are checked once each through validateRecord's caches.)
import { detached } from './detached.js'

export interface Series {
  measurement: string
  tags: Readonly<Record<string, string>>
}

/** Series kept before the cache starts over (bounds memory when series never repeat). */
const MAX_SERIES = 4096
const series = new Map<string, Series>()

/** The series whose text is `key` (a line's text before its first unescaped space), if a line of it was read. */
export const seriesOf = (key: string): Series | undefined => series.get(key)

/** Remembers the series of a line read and checked, `key` being its text before its first unescaped space. */
export function rememberSeries(key: string, measurement: string, tags: Readonly<Record<string, string>>): void {
  if (series.size >= MAX_SERIES) series.clear()
  const kept: Record<string, string> = {}
  for (const name in tags) kept[detached(name)] = detached(tags[name]!)
  series.set(detached(key), { measurement: detached(measurement), tags: kept })
}

/** Forgets every series (for tests: the next line of any series is read the long way). */
export function forgetLineProtocol(): void {
  series.clear()
}
