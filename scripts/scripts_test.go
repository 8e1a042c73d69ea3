// Package scripts_test checks the command lines of make bench and make
// bench-ab: a mistake exits 2 with one line, before anything is built or a
// folder is made. (What they measure is checked by running them; see the
// README.)
package scripts_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUsageErrors(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	results := filepath.Join("..", "bench", "results")
	before, _ := os.ReadDir(results)
	tests := []struct {
		script string
		env    []string
		says   string
	}{
		{"bench.sh", []string{"SUITES=sha,nope"}, "unknown suite 'nope'"},
		{"bench-ab.sh", []string{"SUITES=bogus"}, "unknown suite 'bogus'"},
		{"bench-ab.sh", []string{"OLD=no-such-revision-anywhere"}, "unknown revision 'no-such-revision-anywhere'"},
		{"bench-ab.sh", []string{"NEW=$(touch /tmp/pwned)"}, "unknown revision '$(touch /tmp/pwned)'"},
		{"bench-ab.sh", []string{"OLD=HEAD~100000"}, "unknown revision 'HEAD~100000'"},
	}
	for _, tt := range tests {
		t.Run(tt.script+" "+strings.Join(tt.env, " "), func(t *testing.T) {
			cmd := exec.Command("bash", tt.script)
			cmd.Env = append(os.Environ(), tt.env...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			require.True(t, errors.As(err, &exit), "%v: %s%s", err, stdout.String(), stderr.String())
			assert.Equal(t, 2, exit.ExitCode(), "%s%s", stdout.String(), stderr.String())
			assert.Contains(t, stderr.String(), tt.says)
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(stderr.String()), "\n")+1, "one line: %q", stderr.String())
		})
	}
	_, err := os.Stat("/tmp/pwned")
	assert.True(t, os.IsNotExist(err), "a revision was run as a command")
	after, _ := os.ReadDir(results)
	assert.Equal(t, len(before), len(after), "a usage error made a results folder")
}
