//go:build linux

package sweep

import (
	"runtime"
	"runtime/pprof"
	"syscall"
)

// passHz is the CPU profile's sampling rate in a sites pass: ten times
// runtime/pprof's 100 Hz, so that a pass of a tenth of a second on two
// cores holds some 200 samples, enough to locate a growth of a fifth of
// the op. Linux's per-thread timers give it.
const passHz = 1000

// startCPUProfile starts runtime/pprof's CPU profile at passHz. pprof
// sets 100 Hz itself, which the runtime refuses once a rate is set, and
// says so on the process's stderr ("cannot set cpu profile rate"), where
// go test's output would carry it: stderr points at /dev/null for the
// few microseconds of the two calls. It returns the rate the profile runs
// at.
func startCPUProfile(w interface{ Write([]byte) (int, error) }) (hz int, err error) {
	null, err := syscall.Open("/dev/null", syscall.O_WRONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return 100, pprof.StartCPUProfile(w)
	}
	defer syscall.Close(null)
	saved, err := syscall.Dup(2)
	if err != nil {
		return 100, pprof.StartCPUProfile(w)
	}
	defer syscall.Close(saved)
	if syscall.Dup3(null, 2, 0) != nil {
		return 100, pprof.StartCPUProfile(w)
	}
	runtime.SetCPUProfileRate(passHz)
	err = pprof.StartCPUProfile(w)
	_ = syscall.Dup3(saved, 2, 0)
	if err != nil {
		// Another profile runs (the rate above changed nothing then).
		return 100, err
	}
	return passHz, nil
}
