package benchrun

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
	"github.com/futuresbench/futures/internal/cli"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// writeAB writes a side as make bench-ab writes it: each round begins
// with its round line, then every benchmark's result of that round, under
// its package's line.
func writeAB(t *testing.T, path string, s *bench.Samples) {
	t.Helper()
	var buf bytes.Buffer
	buf.WriteString("cores: 2\ninterleaved: ab\n")
	rounds := 0
	for _, k := range s.Names {
		n := len(s.Benchmarks[k].Runs)
		if strings.HasSuffix(k, " Canary") {
			n /= 2
		}
		rounds = max(rounds, n)
	}
	for r := range rounds {
		fmt.Fprintf(&buf, "%s%d\n", bench.RoundMarker, r+1)
		for _, k := range s.Names {
			b := s.Benchmarks[k]
			runs := b.Runs[r : r+1]
			if strings.HasSuffix(k, " Canary") {
				runs = b.Runs[2*r : 2*r+2]
			}
			fmt.Fprintf(&buf, "pkg: %s\n", b.Pkg)
			for _, run := range runs {
				fmt.Fprintf(&buf, "Benchmark%s 1", b.Name)
				for _, u := range b.Units {
					if v, ok := run[u]; ok {
						fmt.Fprintf(&buf, " %g %s", v, u)
					}
				}
				buf.WriteString("\n")
			}
		}
	}
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
}

// TestABGate: bench-ab's gate on pairs built from the real 30-round run
// (abPair: adjacent rounds as ABBA pairs, 6 a side), written as bench-ab
// writes its files and read back by their round lines, with golden
// output: a clear regression (arcfour 20% slower), a quiet A/A, an A/A on
// a host that got slower in the last three rounds (30%, both sides), and
// an undecided change (primes 12% slower in four rounds, 3% faster in
// two).
func TestABGate(t *testing.T) {
	all := readLongRun(t)
	cpu := slices.DeleteFunc(slices.Clone(all.Names), func(k string) bool { g := group(k); return g != "cpu" && g != "canary" })
	slots := []int{0, 2, 4, 6, 8, 10}
	only := func(prefix string) []string {
		return slices.DeleteFunc(slices.Clone(cpu), func(k string) bool { return pkgOf(k) != prefix })
	}
	with := func(base *bench.Samples, over *bench.Samples) *bench.Samples {
		out := *base
		out.Benchmarks = map[string]*bench.Benchmark{}
		for k, b := range base.Benchmarks {
			out.Benchmarks[k] = b
		}
		for k, b := range over.Benchmarks {
			out.Benchmarks[k] = b
		}
		return &out
	}
	old, same := abPair(all, cpu, slots, 1)
	_, arcfour := abPair(all, only("arcfour"), slots, 1.2)
	undecided := *same
	undecided.Benchmarks = map[string]*bench.Benchmark{}
	for k, b := range same.Benchmarks {
		c := *b
		if pkgOf(k) == "primes" {
			c.Runs = slices.Clone(b.Runs)
			for i := range c.Runs {
				f := 1.12
				if i == 1 || i == 4 {
					f = 0.97
				}
				c.Runs[i] = slowed(c.Runs[i], f)
			}
		}
		undecided.Benchmarks[k] = &c
	}
	late := []int{3, 4, 5}
	tests := []struct {
		name     string
		old, new *bench.Samples
		status   int
	}{
		{"regression", old, with(same, arcfour), cli.ExitFailure},
		{"aa", old, same, cli.ExitOK},
		{"aa-host-slower", drifted(old, late, 1.3), drifted(same, late, 1.3), cli.ExitOK},
		{"undecided", old, &undecided, cli.ExitUndecided},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			op, np := filepath.Join(dir, "old.txt"), filepath.Join(dir, "new.txt")
			writeAB(t, op, tt.old)
			writeAB(t, np, tt.new)
			var out bytes.Buffer
			status, words, err := abGate(op, np, 0.05, &out)
			require.NoError(t, err)
			got := strings.ReplaceAll(out.String()+words+"\n", dir+"/", "")
			golden := filepath.Join("testdata", "abgate-"+tt.name+".golden")
			if *update {
				require.NoError(t, os.MkdirAll("testdata", 0o755))
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			assert.Equal(t, string(want), got)
			assert.Equal(t, tt.status, status, "%s", words)
		})
	}
}
