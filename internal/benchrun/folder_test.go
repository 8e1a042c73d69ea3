package benchrun

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/internal/cli"
)

// fakeGo is a go command whose "test -c -o OUT PKG" and "build -o OUT PKG"
// write a test binary that sleeps: no round of it ends before the test
// interrupts the run.
const fakeGo = `out=$4; [ "$1" = build ] && out=$3
[ -n "$out" ] || exit 0
printf '#!/bin/sh\nexec sleep 5\n' > "$out"; chmod +x "$out"
`

// benchInterrupted runs Bench in tree with the fake go command, interrupted
// as round 1 begins.
func benchInterrupted(t *testing.T, tree string) string {
	t.Helper()
	bin := t.TempDir()
	fake(t, bin, "go", fakeGo)
	for _, d := range []string{"internal/canary", "sha"} {
		require.NoError(t, os.MkdirAll(filepath.Join(tree, d), 0o755))
	}
	vars := map[string]string{"GO": filepath.Join(bin, "go"), "SUITES": "sha", "COUNT": "2", "GOMAXPROCS": "1"}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	progress := &cancelAt{round: "round 1/", cancel: cancel}
	var stderr strings.Builder
	env := Env{Dir: tree, Stdout: progress, Stderr: &stderr, Getenv: func(k string) string { return vars[k] }, Now: time.Now}
	err := Bench(ctx, env)
	var exit *cli.ExitError
	require.ErrorAs(t, err, &exit, stderr.String())
	assert.Equal(t, cli.ExitInterrupted, exit.Code)
	assert.NotErrorIs(t, ctx.Err(), context.DeadlineExceeded, "interrupted at round 1, not timed out")
	return stderr.String()
}

// TestBenchInterruptedLeavesNoFolder: make bench interrupted before its
// first round ends says "nothing kept" and keeps nothing: not the run's
// folder, nor the bench/results it made for it (the hostile review found
// an empty bench/results left); a bench/results that was there before
// stays, with what it held.
func TestBenchInterruptedLeavesNoFolder(t *testing.T) {
	tree := t.TempDir()
	says := benchInterrupted(t, tree)
	assert.Contains(t, says, "nothing kept")
	_, err := os.Stat(filepath.Join(tree, "bench"))
	assert.ErrorIs(t, err, os.ErrNotExist, "bench/ made for the run and left: %s", says)

	tree = t.TempDir()
	results := filepath.Join(tree, "bench", "results")
	require.NoError(t, os.MkdirAll(results, 0o755))
	benchInterrupted(t, tree)
	entries, err := os.ReadDir(results)
	require.NoError(t, err, "a bench/results that was there before stays")
	assert.Empty(t, entries, "the run's folder goes")

	require.NoError(t, os.WriteFile(filepath.Join(results, "keep.txt"), []byte("x"), 0o644))
	benchInterrupted(t, tree)
	entries, err = os.ReadDir(results)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, "keep.txt", entries[0].Name())
}
