package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/futuresbench/futures/internal/cli"
	"github.com/futuresbench/futures/internal/cli/clitest"
)

// TestUndecidedStatus: the gate's third answer has a status of its own
// (cli.ExitUndecided, 4), which -h and the doc comment both give; on issue
// 36's pair (a real noisy run against itself 30% slower) compare exits
// with it and says why on stderr, naming no regression.
func TestUndecidedStatus(t *testing.T) {
	assert.Equal(t, 4, cli.ExitUndecided)
	help, _, code := runCmd(t, "", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, help, "4 compare cannot decide")
	assert.Contains(t, strings.Join(strings.Fields(clitest.Doc(t, "main.go")), " "), "4 compare cannot decide: a unit is worse than its threshold")

	stdout, stderr, code := runCmd(t, "", "compare", real+"gate/arcfour_old.txt", real+"gate/arcfour_new_30pct_slower.txt")
	assert.Equal(t, cli.ExitUndecided, code, stderr)
	assert.Equal(t, 8, strings.Count(stdout, "\nundecided: "), stdout)
	assert.Contains(t, stdout, "undecided: arcfour Jobs/workers=4-2 time/op: 15ms -> 19.5ms, +30.0% (p=0.041), its interval [-27%, +132%] admits both no change and more than the threshold: the U test says different, but the two intervals overlap; likely decided at about")
	assert.Contains(t, stderr, "benchreport: cannot decide: 8 units are worse than the threshold")
	assert.NotContains(t, stderr, "regression:")
}
