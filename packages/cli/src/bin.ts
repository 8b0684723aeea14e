#!/usr/bin/env node
// The `eht-influx-client` command. Kept tiny: each command's module is loaded
// only when that command runs (see command-index.ts).
import { main } from './main.js'

const code = await main(process.argv.slice(2))
// Exit explicitly so that nothing left open (a socket, a pipe) can keep a cron job hanging.
if (process.stdout.writableNeedDrain) await new Promise((resolve) => process.stdout.once('drain', resolve))
process.exit(code)
