// Package benchtest makes benchmark output for tests from real runs.
package benchtest

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// Slowed returns a copy of go test -bench output in which every benchmark
// that pick chooses (by its name, "BenchmarkJobs/workers=2-2") ran f times
// slower: its ns/op and cpu-sec/op multiplied by f, its MB/s divided by f,
// every other unit as it was. A slower machine, or slower code, by
// construction, from a real run.
func Slowed(data []byte, f float64, pick func(name string) bool) []byte {
	var out bytes.Buffer
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		fields := strings.Fields(line)
		if !strings.HasPrefix(line, "Benchmark") || len(fields) < 4 || !pick(fields[0]) {
			out.WriteString(line + "\n")
			continue
		}
		for i := 3; i < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i-1], 64)
			if err != nil {
				continue
			}
			switch fields[i] {
			case "ns/op", "cpu-sec/op":
				v *= f
			case "MB/s":
				v /= f
			default:
				continue
			}
			fields[i-1] = strconv.FormatFloat(v, 'g', 8, 64)
		}
		out.WriteString(strings.Join(fields, " ") + "\n")
	}
	return out.Bytes()
}

// Recommit replaces the value of every "commit:" line, as if the output
// came from another commit.
func Recommit(data []byte, commit string) []byte {
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "commit:") {
			lines[i] = "commit: " + commit
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

// All picks every benchmark.
func All(string) bool { return true }

// Named picks the benchmarks whose name starts with prefix.
func Named(prefix string) func(string) bool {
	return func(name string) bool { return strings.HasPrefix(name, prefix) }
}

// Recorded returns a recorded run of the module's testdata/bench, read
// whole and gunzipped where its name ends in .gz: the one reader of those
// files for the packages whose tests resample or replay them.
func Recorded(t testing.TB, name string) []byte {
	t.Helper()
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("benchtest: cannot locate the module's testdata")
	}
	data, err := os.ReadFile(filepath.Join(filepath.Dir(self), "..", "..", "testdata", "bench", name))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(name, ".gz") {
		return data
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}
