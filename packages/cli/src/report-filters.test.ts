import { describe, expect, it } from 'vitest'
import { withoutBadLineReports, withoutSkippedPoints } from './report-filters.js'

function sink() {
  const lines: string[] = []
  return { lines, sink: { write: (text: string) => lines.push(text) } }
}

describe('report filters', () => {
  it("withoutSkippedPoints drops only the writer's reports of bad points of a call", () => {
    const { lines, sink: s } = sink()
    const filtered = withoutSkippedPoints(s)
    filtered.write('eht-influx-client: client: ERROR point 2, column "timestamp": timestamp 10 (ns) is outside 1990-2100\n')
    filtered.write('eht-influx-client: server "cloud": 4 points kept in the spool (network error)\n')
    expect(lines).toEqual(['eht-influx-client: server "cloud": 4 points kept in the spool (network error)\n'])
  })

  it("withoutBadLineReports drops replay's per-line reports, keeps its closing count", () => {
    const { lines, sink: s } = sink()
    const filtered = withoutBadLineReports(s)
    filtered.write('eht-influx-client: replay: /a.lp:3: bad line skipped: no fields\n')
    filtered.write('eht-influx-client: replay: 1 bad lines skipped; they are listed in /e.jsonl\n')
    expect(lines).toEqual(['eht-influx-client: replay: 1 bad lines skipped; they are listed in /e.jsonl\n'])
  })
})
