//go:build unix

package sweep

import (
	"syscall"
	"time"
)

// usage returns the user and system CPU time the process has used, and
// the involuntary context switches its threads have had (the kernel took
// the CPU away from a thread that could run: something else wanted it).
func usage() (cpu time.Duration, preempts int64, ok bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), int64(ru.Nivcsw), true
}
