package canary

import "testing"

// TestChainIsOneCycle: Sattolo's shuffle gives one cycle through every
// slot, so the walk never falls into a short loop that fits in a cache.
func TestChainIsOneCycle(t *testing.T) {
	c := NewChain()
	seen := make([]bool, len(c))
	i := uint64(0)
	for step := range len(c) {
		if seen[i] {
			t.Fatalf("slot %d seen again after %d steps of %d", i, step, len(c))
		}
		seen[i] = true
		i = c[i]
	}
	if i != 0 {
		t.Fatalf("after %d steps the walk is at %d, not back at 0", len(c), i)
	}
}

// TestSpin: xorshift64* with the shift triple (12, 25, 27) and multiplier
// 2685821657736338717, as published (Vigna, "An experimental exploration
// of Marsaglia's xorshift generators, scrambled", 2016, section 3), before
// the multiply is applied to the output: x must never reach 0 from a
// non-zero state, and one step from 1 is computable by hand:
// 1 ^ 1>>12 = 1; 1 ^ 1<<25 = 0x2000001; ^ 0x2000001>>27 = 0x2000001;
// times the multiplier (mod 2^64).
func TestSpin(t *testing.T) {
	m := uint64(2685821657736338717)
	want := uint64(0x2000001) * m // wraps mod 2^64, as the loop does
	if got := spin(1, 1); got != want {
		t.Fatalf("spin(1, 1) = %#x, want %#x", got, want)
	}
	if spin(1, 1000) == 0 {
		t.Fatal("the state reached 0")
	}
}

var sink uint64

// BenchmarkCanary is the reference the gate reads first. Its op is fixed;
// see the package doc.
func BenchmarkCanary(b *testing.B) {
	c := NewChain()
	var x uint64
	for b.Loop() {
		x += c.Op(x + 1)
	}
	sink = x
}
