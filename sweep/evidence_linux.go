package sweep

import (
	"bytes"
	"math"
	"os"
	"strconv"
)

// machineBusy returns the time every core of the machine has spent busy
// since boot, in ticks of 1/clockTicks s, by kind: user, nice, system, irq,
// softirq and steal (time the hypervisor gave another guest), from the first
// line of /proc/stat; ok is false where it cannot be read.
func machineBusy() (ticks busyTicks, ok bool) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return ticks, false
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	fields := bytes.Fields(line)
	// cpu user nice system idle iowait irq softirq steal guest guest_nice
	if len(fields) < 9 || string(fields[0]) != "cpu" {
		return ticks, false
	}
	for k, i := range []int{1, 2, 3, 6, 7, 8} {
		v, err := strconv.ParseUint(string(fields[i]), 10, 64)
		if err != nil {
			return ticks, false
		}
		ticks[k] = v
	}
	return ticks, true
}

// runQueueDelay returns the seconds the process's threads have spent
// runnable but waiting for a CPU, summed over its threads: the second field
// of /proc/self/task/*/schedstat (nanoseconds). NaN where the kernel keeps
// no schedstats.
func runQueueDelay() float64 {
	dir, err := os.Open("/proc/self/task")
	if err != nil {
		return math.NaN()
	}
	names, err := dir.Readdirnames(-1)
	dir.Close()
	if err != nil || len(names) == 0 {
		return math.NaN()
	}
	total, read := 0.0, 0
	buf := make([]byte, 128)
	for _, name := range names {
		f, err := os.Open("/proc/self/task/" + name + "/schedstat")
		if err != nil {
			continue // the thread ended
		}
		n, _ := f.Read(buf)
		f.Close()
		fields := bytes.Fields(buf[:n])
		if len(fields) < 2 {
			continue
		}
		v, err := strconv.ParseUint(string(fields[1]), 10, 64)
		if err != nil {
			continue
		}
		total += float64(v) / 1e9
		read++
	}
	if read == 0 {
		return math.NaN()
	}
	return total
}
