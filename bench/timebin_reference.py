"""The original Python TimeBin (the station scripts' version), re-expressed from
its description in issue 3, with its quirks kept: `t0 == 0` means "no data yet",
the first bin start is `int(t / width) * width` (truncation, so negative times
give a negative fraction), and later bin starts are found by adding the width.

Used by bench/timebin.mjs as the baseline:
    python3 bench/timebin_reference.py POINTS_FILE WIDTH REPEATS [TUPLES_FILE]
POINTS_FILE holds float64 (t, value) pairs in the machine's byte order. Each of
REPEATS timed runs feeds every point to a fresh TimeBin and calls gettuples()
after each one, like the seed loop; the timer (wall clock and the process's CPU
time) runs around that loop only, after a gc.collect(). With TUPLES_FILE, one
more (untimed) run writes every tuple there as float64 (start, value) pairs.
Prints one JSON line: the best wall and the best CPU seconds of the runs.
"""
import gc
import json
import sys
import time
from array import array


class TimeBin:
    def __init__(self, binwidth=1.0):
        self.binwidth = binwidth
        self.t0 = 0
        self.last_t = 0
        self.value = 0.
        self.tuples = []

    def point(self, t, value):
        if self.t0 == 0:
            self.t0 = int(t / self.binwidth) * self.binwidth
            self.last_t = self.t0
        binend = self.t0 + self.binwidth
        if t < binend:
            self.value += value * (t - self.last_t) / self.binwidth
        else:
            self.value += value * (binend - self.last_t) / self.binwidth
            self.tuples.append((self.t0, self.value))
            self.t0 = binend
            while t >= self.t0 + self.binwidth:
                self.tuples.append((self.t0, value))
                self.t0 += self.binwidth
            self.value = value * (t - self.t0) / self.binwidth
        self.last_t = t

    def gettuples(self):
        tuples = self.tuples
        self.tuples = []
        return tuples


def main():
    points_file, width, repeats = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    flat = array('d')
    with open(points_file, 'rb') as f:
        flat.frombytes(f.read())
    ts, values = flat[0::2].tolist(), flat[1::2].tolist()
    pairs = list(zip(ts, values))

    best = cpu_best = float('inf')
    tuples = 0
    for _ in range(repeats):
        tb = TimeBin(width)
        n = 0
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        for t, value in pairs:
            tb.point(t, value)
            n += len(tb.gettuples())
        cpu_best = min(cpu_best, time.process_time() - cpu_started)
        best = min(best, time.perf_counter() - started)
        tuples = n

    if len(sys.argv) > 4:
        tb = TimeBin(width)
        out = array('d')
        for t, value in pairs:
            tb.point(t, value)
        for start, value in tb.gettuples():
            out.append(start)
            out.append(value)
        with open(sys.argv[4], 'wb') as f:
            out.tofile(f)

    print(json.dumps({'points': len(pairs), 'seconds': best, 'cpuSeconds': cpu_best, 'tuples': tuples}))


if __name__ == '__main__':
    main()
