package benchrun

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func knobs(t *testing.T, env map[string]string) Knobs {
	t.Helper()
	k, err := ReadKnobs(func(name string) string { return env[name] })
	require.NoError(t, err)
	return k
}

// show is a step as "round side id@procs benchtime sites rotate".
func show(steps []Step) []string {
	var out []string
	for _, s := range steps {
		side := string(s.Side)
		if side == "" {
			side = "-"
		}
		out = append(out, fmt.Sprintf("%d %s %s@%d %s %s %d", s.Round, side, s.Suite.ID, s.Procs, s.Benchtime, s.Sites, s.Rotate))
	}
	return out
}

func TestRoundBench(t *testing.T) {
	k := knobs(t, nil)
	suites, err := Choose(k, 2, "sha,downloads")
	require.NoError(t, err)
	p := Plan{Canary: Canary(k), Suites: suites, Sides: []Side{One}, Looks: Looks, Sites: true}
	// The canary opens and closes the round; each suite runs one process
	// per GOMAXPROCS setting; the sites passes are in round 1 only, with
	// the budget of the first look's 6 rounds (runs:6: sweep spends 5% of
	// their wall time, whole ops), never for the canary.
	assert.Equal(t, []string{
		"1 - canary@1 100ms off 0",
		"1 - sha@1 150ms runs:6 0",
		"1 - sha@2 150ms runs:6 0",
		"1 - downloads@2 1x runs:6 0",
		"1 - canary@1 100ms off 0",
	}, show(p.Round(1, suites)))
	assert.Equal(t, []string{
		"2 - canary@1 100ms off 1",
		"2 - sha@1 150ms off 1",
		"2 - sha@2 150ms off 1",
		"2 - canary@1 100ms off 1",
	}, show(p.Round(2, suites[:1])), "round 2 of the open suites only, rotated one further")
	assert.Equal(t, 20, p.Rounds())
	assert.Equal(t, 6, Plan{Count: 6, Looks: Looks}.Rounds(), "a fixed count has no looks")
}

func TestRoundABBA(t *testing.T) {
	k := knobs(t, nil)
	suites, err := Choose(k, 2, "primes")
	require.NoError(t, err)
	p := Plan{Canary: Canary(k), Suites: suites, Sides: []Side{Old, New}, Count: 6}
	odd := []string{
		"1 old canary@1 100ms off 0", "1 new canary@1 100ms off 0",
		"1 old primes@1 150ms off 0", "1 old primes@2 150ms off 0",
		"1 new primes@1 150ms off 0", "1 new primes@2 150ms off 0",
		"1 old canary@1 100ms off 0", "1 new canary@1 100ms off 0",
	}
	assert.Equal(t, odd, show(p.Round(1, suites)), "odd rounds: A B, suite by suite, no sites pass")
	even := show(p.Round(2, suites))
	assert.Equal(t, "2 new canary@1 100ms off 1", even[0], "even rounds: B A")
	assert.Equal(t, "2 new primes@1 150ms off 1", even[2])
	assert.Equal(t, "2 old primes@2 150ms off 1", even[5])
	assert.Equal(t, "2 old canary@1 100ms off 1", even[7])
}

func TestRoundScalesBenchtime(t *testing.T) {
	k := knobs(t, map[string]string{"BENCHTIME": "500ms"})
	suites, err := Choose(k, 64, "arcfour")
	require.NoError(t, err)
	steps := Plan{Canary: Canary(k), Suites: suites, Count: 1}.Round(1, suites)
	// At GOMAXPROCS=64 a sweep has 16 counts: its benchtime is divided
	// among them as among 4; at 1 it has 4.
	assert.Equal(t, []string{"1 - canary@1 100ms off 0", "1 - arcfour@1 500ms off 0", "1 - arcfour@64 125ms off 0", "1 - canary@1 100ms off 0"}, show(steps))
}

func TestNext(t *testing.T) {
	s := time.Second
	looks := Plan{Looks: []int{6, 12, 20}}
	tests := []struct {
		name                    string
		plan                    Plan
		round, open             int
		spent, perRound, budget time.Duration
		want                    Stop
	}{
		{"fixed count goes on", Plan{Count: 3}, 2, 5, 0, s, 0, Going},
		{"fixed count ends", Plan{Count: 3}, 3, 5, 0, s, 0, Counted},
		{"fixed count ignores settling", Plan{Count: 3}, 1, 0, 0, s, 0, Going},
		{"up to the first look whatever the budget", looks, 5, 3, 100 * s, 10 * s, s, Going},
		{"all settled at a look", looks, 6, 0, 10 * s, s, 100 * s, Settled},
		{"the next look fits", looks, 6, 2, 60 * s, 10 * s, 120 * s, Going},
		{"the next look does not fit", looks, 6, 2, 60 * s, 11 * s, 120 * s, Budget},
		{"between looks: on to the next", looks, 7, 2, 200 * s, 10 * s, 120 * s, Going},
		{"the second look", looks, 12, 1, 90 * s, 5 * s, 120 * s, Budget},
		{"the second look, room for the third", looks, 12, 1, 60 * s, 5 * s, 100 * s, Going},
		{"the last look", looks, 20, 1, 0, s, time.Hour, Last},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.plan.Next(tt.round, tt.open, tt.spent, tt.perRound, tt.budget))
		})
	}
}

func TestChoose(t *testing.T) {
	k := knobs(t, nil)
	known := IDs(Table(k, 2))
	assert.Equal(t, []string{"arcfour", "sha", "primes", "qsort", "grain", "downloads", "downloads1"}, known)
	got, err := Choose(k, 2, "qsort,arcfour")
	require.NoError(t, err)
	assert.Equal(t, []string{"arcfour", "qsort"}, IDs(got), "in the table's order")
	got, err = Choose(k, 1, "downloads,downloads1")
	require.NoError(t, err)
	assert.Equal(t, []string{"downloads"}, IDs(got), "on one core downloads already runs at 1")
	for _, bad := range []string{"nope", "sha,", "$(touch /tmp/pwned)", "sha;rm"} {
		_, err := Choose(k, 2, bad)
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "unknown suite")
		assert.NotContains(t, err.Error(), "\n")
	}
}

func TestReadKnobs(t *testing.T) {
	k := knobs(t, nil)
	assert.Equal(t, 0, k.Count, "unset: make bench looks")
	assert.Equal(t, 2*time.Minute, k.Budget)
	k = knobs(t, map[string]string{"COUNT": "20", "BENCHTIME": "1x", "FLAGS_DELAY": "1ms"})
	assert.Equal(t, 20, k.Count)
	assert.Equal(t, "1x", k.Benchtime)
	assert.Equal(t, time.Millisecond, k.FlagsDelay)
	for name, bad := range map[string]string{
		"COUNT": "0", "BUDGET": "soon", "BENCHTIME": "0x", "GRAIN_BENCHTIME": "-1s",
		"FLAGS_N": "many", "FLAGS_DELAY": "1 ms", "CANARY_BENCHTIME": "fast\nFAIL",
	} {
		_, err := ReadKnobs(func(n string) string {
			if n == name {
				return bad
			}
			return ""
		})
		require.Error(t, err, name)
		assert.True(t, strings.HasPrefix(err.Error(), name), "%s: %v", name, err)
		assert.NotContains(t, err.Error(), "\n", "one line")
	}
}

func TestScaleBenchtime(t *testing.T) {
	tests := []struct {
		in    string
		procs int
		want  string
	}{
		{"500ms", 2, "500ms"},
		{"500ms", 64, "125ms"},
		{"20x", 64, "5x"},
		{"2x", 64, "1x"},
		{"20ms", 64, "10ms"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ScaleBenchtime(tt.in, tt.procs), "%s at %d", tt.in, tt.procs)
	}
}

func TestSitesWindow(t *testing.T) {
	for in, want := range map[string]string{"500ms 6": "runs:6", "1x 6": "runs:6", "64x 6": "runs:6", "1s 32": "runs:32", "1us 0": "off"} {
		var bt string
		var n int
		fmt.Sscan(in, &bt, &n)
		assert.Equal(t, want, SitesWindow(bt, n), in)
	}
}

func TestRunFolder(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 12, 6, 5, 40, 0, 0, time.UTC)
	env := Env{Dir: dir, Now: func() time.Time { return at }}
	var got []string
	for range 3 {
		out, _, err := runFolder(env, "ab-")
		require.NoError(t, err)
		got = append(got, filepath.Base(out))
	}
	assert.Equal(t, []string{"ab-20261206T054000Z", "ab-20261206T054000Z-2", "ab-20261206T054000Z-3"}, got, "two runs in one second get two folders")
}

func TestExtend(t *testing.T) {
	s := time.Second
	looks := Plan{Looks: []int{6, 12, 20}}
	budget := 120 * s
	tests := []struct {
		name                   string
		round, table           int
		spent, perRound, limit time.Duration
		want                   bool
	}{
		// A noisy host, not busy: at round 6 the next look passes the
		// budget (90 s + 6 × 10 s > 120 s) but fits the table's cap.
		{"noisy: the table's suites go on", 6, 2, 90 * s, 10 * s, TableCap * budget, true},
		{"noisy, at round 12: on to 20", 12, 1, 200 * s, 5 * s, TableCap * budget, true},
		{"the cap reached", 12, 1, 330 * s, 5 * s, TableCap * budget, false},
		// Beside a CPU hog the undecided rows are disturbed: no table
		// suite, the run stops at the budget as before.
		{"a busy machine: no table suite", 6, 0, 90 * s, 10 * s, TableCap * budget, false},
		{"after the last look", 20, 1, 100 * s, s, TableCap * budget, false},
		{"between looks it is Next's", 7, 1, 100 * s, s, TableCap * budget, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, looks.Extend(tt.round, tt.table, tt.spent, tt.perRound, tt.limit))
		})
	}
	assert.Equal(t, 6*time.Minute, TableCap*budget, "the default cap: 6 minutes of measuring")
	// A quiet run settles at round 6: Next says Settled, and nothing is
	// extended; the cap is for undecided rows only.
	assert.Equal(t, Settled, looks.Next(6, 0, 90*s, 10*s, budget))
}

// TestStopWordsTableWentOn: a run whose table's suites went on past the
// budget and settled names the suites that had stopped at the budget
// undecided, not "every suite settled" (seen on a quiet default run: sha
// went on to round 20; arcfour, primes and grain stopped at round 6).
func TestStopWordsTableWentOn(t *testing.T) {
	k := knobs(t, nil)
	res := result{stop: Settled, extended: true, table: []Suite{{ID: "sha"}}, left: []Suite{{ID: "arcfour"}, {ID: "grain"}}}
	w := stopWords(res, Plan{}, k)
	assert.NotContains(t, w, "every suite settled")
	assert.Contains(t, w, "still undecided, stopped at the budget: arcfour, grain")
	assert.Equal(t, ": every suite settled", stopWords(result{stop: Settled}, Plan{}, k))
}
