package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/futuresbench/futures/internal/cli"
)

// FuzzInput: whatever a file holds (text, a stream, gzip of either, or
// neither), benchreport reports it or refuses it with one line, exit 0, 1
// or 2, never a panic.
func FuzzInput(f *testing.F) {
	for _, seed := range []string{streams + "failures_bench.json", streams + "failures_panic.txt", hostile + "nan.txt", real + "malformed.txt"} {
		b, err := os.ReadFile(seed)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"Action":"output","Package":"p","Output":"BenchmarkX/workers=1-2 \t"}` + "\n" + `{"Action":"output","Package":"p","Output":"1\t5 ns/op\n"}`))
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "in")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), []string{path}, strings.NewReader(""), &stdout, &stderr)
		code := cli.Report(&stderr, "benchreport", err)
		if code != 0 && code != 1 && code != 2 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		if code == 2 && strings.Count(stderr.String(), "\n") != 1 {
			t.Fatalf("exit 2 in %d lines: %q", strings.Count(stderr.String(), "\n"), stderr.String())
		}
	})
}
