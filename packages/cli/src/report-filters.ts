import type { LineSink } from '@eht-influx-client/writer'

// The writer and replay print report lines on stderr as `[errors] stderr`
// says. For input the command reports itself, line by line with its input
// location, their own line for the same thing is dropped here.

/** Without the writer's reports of skipped bad points ("point 3" of a call). */
export function withoutSkippedPoints(sink: LineSink): LineSink {
  return { write: (text: string) => (/ ERROR point \d+\b/.test(text) ? true : sink.write(text)) }
}

/** Without replay's per-line bad-line reports (its closing count, naming the errors file, stays). */
export function withoutBadLineReports(sink: LineSink): LineSink {
  return { write: (text: string) => (/^eht-influx-client: replay: .*: bad line skipped: /.test(text) ? true : sink.write(text)) }
}
