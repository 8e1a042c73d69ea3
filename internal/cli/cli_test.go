package cli_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/futuresbench/futures/internal/cli"
)

func TestReport(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		code   int
		stderr string
	}{
		{"ok", nil, 0, ""},
		{"failure", errors.New("disk full"), 1, "tool: disk full\n"},
		{"usage", cli.Usagef("bad flag -x"), 2, "tool: bad flag -x (see 'tool -h')\n"},
		{"wrapped usage", fmt.Errorf("parsing: %w", cli.Usagef("bad")), 2, "tool: parsing: bad (see 'tool -h')\n"},
		{"interrupted", fmt.Errorf("download: %w", context.Canceled), 130, "tool: download: context canceled\n"},
		{"prefixed once", errors.New("tool: short input"), 1, "tool: short input\n"},
		{"silent exit", &cli.ExitError{Code: 1}, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			assert.Equal(t, tt.code, cli.Report(&stderr, "tool", tt.err))
			assert.Equal(t, tt.stderr, stderr.String())
		})
	}
}
