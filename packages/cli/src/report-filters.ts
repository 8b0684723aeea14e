import type { LineSink } from '@eht-influx-client/writer'

// The writer and replay print report lines on stderr as `[errors] stderr`
// says. For input the command reports itself, line by line with its input
// location, their own line for the same thing is dropped here.

/** Without the writer's reports of skipped bad points ("point 3" of a call). */
export function withoutSkippedPoints(sink: LineSink): LineSink {
  return { write: (text: string) => (/ ERROR point \d+\b/.test(text) ? true : sink.write(text)) }
}

/**
 * With only the first of the writer's reports of a logfile that could not be
 * written (one a call: a full disk makes one every 5000 points); the command
 * says at the end how many points are not in the logfile.
 */
export function onlyFirstLogfileFailure(sink: LineSink): LineSink {
  let seen = false
  return {
    write(text: string) {
      if (!/ ERROR the logfile could not be written\b/.test(text)) return sink.write(text)
      if (seen) return true
      seen = true
      return sink.write(text)
    },
  }
}

/** Without replay's per-line bad-line reports (its closing count, naming the errors file, stays). */
export function withoutBadLineReports(sink: LineSink): LineSink {
  return { write: (text: string) => (/^eht-influx-client: replay: .*: bad line skipped: /.test(text) ? true : sink.write(text)) }
}
