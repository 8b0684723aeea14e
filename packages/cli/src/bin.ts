#!/usr/bin/env node
// The `eht-influx-client` command. Kept tiny: each command's module is loaded
// only when that command runs (see command-index.ts).
import { main } from './main.js'
import { stdoutFlushed } from './stdout-flushed.js'

const code = await main(process.argv.slice(2))
// Exit explicitly so that nothing left open (a socket, a pipe) can keep a cron job hanging,
// once stdout has gone out (or its reader went away, `| head`).
await stdoutFlushed(process.stdout)
process.exit(code)
