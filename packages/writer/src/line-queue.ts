import { ACCEPTED, REJECTED, UNSENT, type BatchResult } from './deliver-batch.js'
import type { Ticket } from './ticket.js'

/** Which call's ticket owns how many consecutive lines of a batch. */
export type Span = [Ticket | undefined, number]

type Entry = { lines: readonly string[]; offset: number; ticket: Ticket | undefined } | { marker: () => void }

/** The in-memory FIFO of one outbox: chunks of lines (each with its call's ticket) and flush markers. */
export class LineQueue {
  private entries: Entry[] = []
  private head = 0
  /** Lines waiting. */
  lines = 0
  /** Their size (UTF-16 units + newlines: close to bytes for line protocol). */
  bytes = 0
  /** When the oldest waiting line arrived (ms). */
  since = 0
  /** Flush markers waiting. */
  markers = 0

  push(lines: readonly string[], ticket: Ticket | undefined): void {
    if (this.lines === 0) this.since = Date.now()
    this.entries.push({ lines, offset: 0, ticket })
    this.lines += lines.length
    for (const line of lines) {
      // Lines built by concatenation are trees of pieces (about 3x the memory of
      // the text) until read: charCodeAt makes V8 flatten each one now.
      line.charCodeAt(0)
      this.bytes += line.length + 1
    }
  }

  pushMarker(marker: () => void): void {
    this.entries.push({ marker })
    this.markers++
  }

  /** 'marker', 'lines' or 'empty': what is at the head. */
  headKind(): 'marker' | 'lines' | 'empty' {
    const entry = this.entries[this.head]
    return entry === undefined ? 'empty' : 'marker' in entry ? 'marker' : 'lines'
  }

  /** Removes the flush marker at the head and returns its callback. */
  popMarker(): () => void {
    const entry = this.entries[this.head]
    if (entry === undefined || !('marker' in entry)) throw new Error('no flush marker at the head of the queue')
    this.pop()
    this.markers--
    return entry.marker
  }

  /** Up to `maxLines` lines / `maxBytes` from the head, stopping at a flush marker. */
  take(maxLines: number, maxBytes: number): [string[], Span[]] {
    const lines: string[] = []
    const spans: Span[] = []
    let bytes = 0
    for (let entry = this.entries[this.head]; entry !== undefined && !('marker' in entry); entry = this.entries[this.head]) {
      if (lines.length >= maxLines || (lines.length > 0 && bytes >= maxBytes)) break
      const start = lines.length
      while (entry.offset < entry.lines.length && lines.length < maxLines && (lines.length === 0 || bytes < maxBytes)) {
        const line = entry.lines[entry.offset++]!
        lines.push(line)
        bytes += line.length + 1
      }
      spans.push([entry.ticket, lines.length - start])
      if (entry.offset === entry.lines.length) this.pop()
    }
    this.lines -= lines.length
    this.bytes = this.lines === 0 ? 0 : this.bytes - bytes
    return [lines, spans]
  }

  private pop(): void {
    this.entries[this.head++] = undefined as unknown as Entry
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head)
      this.head = 0
    }
  }
}

/** Settles each call's accepted and rejected lines of a sent batch. */
export function settleSent(spans: readonly Span[], result: BatchResult): void {
  let i = 0
  for (const [ticket, count] of spans) {
    let accepted = 0
    let rejected = 0
    for (const end = i + count; i < end; i++) {
      if (result.status[i] === ACCEPTED) accepted++
      else if (result.status[i] === REJECTED) rejected++
    }
    ticket?.settle('accepted', accepted)
    ticket?.settle('rejected', rejected, result.rejected[0]?.message)
  }
}

/** The spans of a batch counting only its lines that were not sent. */
export function unsentSpans(spans: readonly Span[], status: Uint8Array): Span[] {
  let i = 0
  return spans.map(([ticket, count]) => {
    let unsent = 0
    for (const end = i + count; i < end; i++) if (status[i] === UNSENT) unsent++
    return [ticket, unsent]
  })
}
