//go:build layoutshift

package pool

// With -tags layoutshift this file links a function that does nothing
// useful ahead of the package's others (files are laid out in name order),
// so that every function after it, the workers' loops among them, lands at
// another address. BenchmarkPeers is checked in both
// builds: a speed that holds in one of them only is an accident of layout.

var layoutShift = shiftLayout

func init() { layoutShift(nil) }

//go:noinline
func shiftLayout(b []byte) int {
	n := 0
	for i, v := range b {
		switch {
		case v < 16:
			n += i * 3
		case v < 64:
			n ^= i << 2
		case v < 128:
			n -= int(v) * 7
		default:
			n += int(v) ^ i
		}
		if n > 1<<20 {
			n >>= 3
		}
	}
	return n + len(b)*13 + 5
}
