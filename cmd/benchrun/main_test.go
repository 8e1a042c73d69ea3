package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/internal/cli"
)

// TestUsageErrors: a mistake in a knob, a suite or a revision exits 2 with
// one line, before anything is built or a folder is made, and a revision
// is never run by a shell nor read by git as an option.
func TestUsageErrors(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	t.Chdir(root)
	results := filepath.Join(root, "bench", "results")
	before, _ := os.ReadDir(results)
	pwned := filepath.Join(t.TempDir(), "pwned")
	tests := []struct {
		args []string
		env  map[string]string
		says string
	}{
		{[]string{"bench"}, map[string]string{"SUITES": "sha,nope"}, `unknown suite "nope"`},
		{[]string{"bench"}, map[string]string{"COUNT": "0"}, `COUNT "0"`},
		{[]string{"bench"}, map[string]string{"BENCHTIME": "fast"}, `BENCHTIME: benchtime "fast"`},
		{[]string{"bench"}, map[string]string{"BUDGET": "1 minute"}, `BUDGET "1 minute"`},
		{[]string{"ab"}, map[string]string{"SUITES": "bogus"}, `unknown suite "bogus"`},
		{[]string{"ab"}, map[string]string{"OLD": "no-such-revision-anywhere"}, `unknown revision "no-such-revision-anywhere"`},
		{[]string{"ab"}, map[string]string{"NEW": "$(touch " + pwned + ")"}, `unknown revision "$(touch`},
		{[]string{"ab"}, map[string]string{"OLD": "--output=" + pwned}, `unknown revision "--output=`},
		{[]string{"ab"}, map[string]string{"OLD": "HEAD~100000"}, `unknown revision "HEAD~100000"`},
		{[]string{"ab"}, map[string]string{"OLD": "HEAD\nFAIL"}, `unknown revision "HEAD\nFAIL"`},
		{[]string{"nope"}, nil, "want one command"},
		{nil, nil, "want one command"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " ")+" "+strings.Join(values(tt.env), " "), func(t *testing.T) {
			for _, k := range []string{"SUITES", "COUNT", "BENCHTIME", "BUDGET", "OLD", "NEW"} {
				t.Setenv(k, tt.env[k])
			}
			var stdout, stderr bytes.Buffer
			name := nameOf(tt.args)
			err := command(name)(context.Background(), tt.args, nil, &stdout, &stderr)
			code := cli.Report(&stderr, name, err)
			assert.Equal(t, cli.ExitUsage, code, "%s%s", stdout.String(), stderr.String())
			assert.Contains(t, stderr.String(), tt.says)
			assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line: %q", stderr.String())
			assert.Empty(t, stdout.String())
		})
	}
	_, err = os.Stat(pwned)
	assert.True(t, os.IsNotExist(err), "a revision was run as a command or read as an option")
	after, _ := os.ReadDir(results)
	assert.Equal(t, len(before), len(after), "a usage error made a results folder")
}

func values(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	return out
}
