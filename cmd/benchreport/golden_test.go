package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestCompareGolden holds compare's whole stdout, and its exit status, on
// real pairs: a regression of every benchmark (1), two runs of the same
// code (0), a quiet A/A pair of one commit (0), and an A/A pair whose host
// got slower between the runs, which the canary shows (3); and a change
// the evidence cannot show: a real noisy run against itself with every
// arcfour time 30% slower (p=0.041 at one point, the intervals overlapping
// everywhere), undecided (4), where it passed before issue 36.
func TestCompareGolden(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
	}{
		{"slower", real + "cpu.txt", "testdata/slower.txt"},
		{"noise", real + "noise_a.txt", real + "noise_b.txt"},
		{"aa_quiet", real + "aa/quiet-a.txt", real + "aa/quiet-b.txt"},
		{"aa_host_slower", real + "aa/shared-a-0223.txt", real + "aa/shared-b-0231-host-slower.txt"},
		{"undecided", real + "gate/arcfour_old.txt", real + "gate/arcfour_new_30pct_slower.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCmd(t, "", "compare", tt.old, tt.new)
			got := fmt.Sprintf("exit %d\n%s", code, stdout)
			path := filepath.Join("testdata", "compare_"+tt.name+".golden")
			if *update {
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, string(want), got, stderr)
		})
	}
}
