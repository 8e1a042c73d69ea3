//go:build !linux

package sweep

import "runtime/pprof"

// startCPUProfile starts runtime/pprof's CPU profile at its own 100 Hz.
func startCPUProfile(w interface{ Write([]byte) (int, error) }) (hz int, err error) {
	return 100, pprof.StartCPUProfile(w)
}
