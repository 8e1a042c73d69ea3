package benchtest

import (
	"strings"
	"testing"
)

func TestSlowed(t *testing.T) {
	in := "pkg: m\nBenchmarkA-2 10 100 ns/op 5.000 MB/s 3 allocs/op 0.5 cpu-sec/op\nBenchmarkB-2 10 100 ns/op\n"
	want := "pkg: m\nBenchmarkA-2 10 150 ns/op 3.3333333 MB/s 3 allocs/op 0.75 cpu-sec/op\nBenchmarkB-2 10 100 ns/op\n"
	if got := string(Slowed([]byte(in), 1.5, Named("BenchmarkA"))); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	if got := string(Recommit([]byte("commit: abc\npkg: m\n"), "def")); got != "commit: def\npkg: m\n" {
		t.Fatalf("Recommit: %q", got)
	}
}

// TestRecorded: a recorded run is read as text, gunzipped where its name
// says so.
func TestRecorded(t *testing.T) {
	for _, name := range []string{"cpu.txt", "real_make_bench_looks.txt.gz"} {
		data := Recorded(t, name)
		if !strings.Contains(string(data), "\nBenchmark") {
			t.Errorf("%s: no result line in %d bytes read", name, len(data))
		}
	}
}
