#!/usr/bin/env node
// The `eht-influx-client` command. Kept tiny: each command's module is loaded
// only when that command runs (see command-index.ts).
import { main } from './main.js'

const code = await main(process.argv.slice(2))
// Exit explicitly so that nothing left open (a socket, a pipe) can keep a cron job hanging.
// (A reader that went away, `| head`, closes stdout instead of draining it.)
if (process.stdout.writableNeedDrain && !process.stdout.destroyed) {
  await new Promise((resolve) => {
    for (const event of ['drain', 'error', 'close']) process.stdout.once(event, resolve)
  })
}
process.exit(code)
