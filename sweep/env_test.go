package sweep_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/sweep"
)

func TestSitesEnvValues(t *testing.T) {
	tests := []struct {
		v       string
		on, set bool
		msg     string // "" for none
	}{
		{"", false, false, ""},
		{"off", false, true, ""},
		{"0", false, true, ""},
		{"150ms", true, true, ""},
		{"5x", true, true, ""},
		{" 5x ", true, true, ""},
		{"OFF", false, true, `SWEEP_SITES="OFF": taken as off: the pass is off`},
		{"False", false, true, `SWEEP_SITES="False": taken as off: the pass is off`},
		{"0s", false, true, `SWEEP_SITES="0s": a pass of no length: the pass is off (SWEEP_SITES=off says so)`},
		{"0x", false, true, `SWEEP_SITES="0x": a pass of no length: the pass is off (SWEEP_SITES=off says so)`},
		{"00x", false, true, `SWEEP_SITES="00x": a pass of no length`},
		{"garbage", false, false, `SWEEP_SITES="garbage": not off, a duration (150ms) or a count of ops (5x): the default pass runs, as with SWEEP_SITES unset`},
		{"-1s", false, false, `SWEEP_SITES="-1s": not off, a duration`},
		{"-5x", false, false, `SWEEP_SITES="-5x": not off`},
		{"1.5x", false, false, `SWEEP_SITES="1.5x": not off`},
		{"x", false, false, `SWEEP_SITES="x": not off`},
		{"  ", false, false, `SWEEP_SITES="  ": empty: the default pass runs`},
		{"\x1b[2J", false, false, `SWEEP_SITES="\x1b[2J": not off`},
		{"99999999999999999999h", false, false, `not off`},
		{"1000000h", true, true, `SWEEP_SITES="1000000h": longer than 1m0s, the most a pass may run: 1m0s a pass`},
		{"99999999999999x", true, true, `SWEEP_SITES="99999999999999x": more than 10000x, the most ops a pass may run: 10000x a pass`},
		{"61s", true, true, `longer than 1m0s`},
		{"10001x", true, true, `more than 10000x`},
		{"1m", true, true, ""},
		{"10000x", true, true, ""},
		{"runs:6", false, false, ""},
		{"runs:0", false, false, `SWEEP_SITES="runs:0": runs:K wants a number of runs from 1: the default pass runs`},
		{"runs:x", false, false, `SWEEP_SITES="runs:x": runs:K wants`},
	}
	for _, tt := range tests {
		on, set, msg := sweep.ParseSitesEnv(tt.v)
		assert.Equal(t, tt.on, on, "%q", tt.v)
		assert.Equal(t, tt.set, set, "%q", tt.v)
		if tt.msg == "" {
			assert.Empty(t, msg, "%q", tt.v)
		} else {
			assert.Contains(t, msg, tt.msg, "%q", tt.v)
			assert.NotContains(t, msg, "\n")
		}
	}
}

// TestSitesEnvBound: a pass EnvSites sets longer than a minute or 10000
// ops is clamped to that bound, not taken (the hostile review's
// SWEEP_SITES=1000000h ran past -test.timeout), and not dropped either:
// the pass the user asked for still runs, as long as it may.
func TestSitesEnvBound(t *testing.T) {
	for _, tt := range []struct {
		v string
		d time.Duration
		n int
	}{
		{"1000000h", time.Minute, 0},
		{"2m", time.Minute, 0},
		{"1m", time.Minute, 0},
		{"150ms", 150 * time.Millisecond, 0},
		{"99999999999999x", 0, 10000},
		{"10001x", 0, 10000},
		{"10000x", 0, 10000},
		{"5x", 0, 5},
	} {
		d, n := sweep.ParseSitesWindow(tt.v)
		assert.Equal(t, tt.d, d, tt.v)
		assert.Equal(t, tt.n, n, tt.v)
	}
}

// TestSitesFitTimeout: a pass EnvSites sets is cut so that it and the
// points after it fit in half of what is left of -test.timeout, each at
// least one op; a pass that fits is left as it is.
func TestSitesFitTimeout(t *testing.T) {
	for _, tt := range []struct {
		d         time.Duration
		n         int
		op, left  time.Duration
		points    int
		wantD     time.Duration
		wantN     int
		wantShort bool
	}{
		{time.Minute, 0, time.Millisecond, 10 * time.Second, 4, 1250 * time.Millisecond, 0, true},
		{time.Minute, 0, 5 * time.Second, 10 * time.Second, 4, 5 * time.Second, 0, true}, // one op at least
		{100 * time.Millisecond, 0, time.Millisecond, 10 * time.Second, 4, 100 * time.Millisecond, 0, false},
		{0, 10000, time.Millisecond, 10 * time.Second, 4, 0, 1250, true},
		{0, 10000, time.Hour, 10 * time.Second, 1, 0, 1, true},
		{0, 5, time.Millisecond, 10 * time.Second, 4, 0, 5, false},
		{0, 10000, time.Millisecond, 0, 4, 0, 1, true}, // the timeout is past: one op
	} {
		d, n, cut := sweep.FitTimeout(tt.d, tt.n, tt.op, tt.left, tt.points)
		assert.Equal(t, tt.wantD, d, "%+v", tt)
		assert.Equal(t, tt.wantN, n, "%+v", tt)
		assert.Equal(t, tt.wantShort, cut, "%+v", tt)
	}
}

// TestProfileNames: names that wrote one file ("k=1", "k_1", "k:1") are
// three; every name is one file name, short enough for any file system.
func TestProfileNames(t *testing.T) {
	names := []string{"BenchmarkX/k=1-2", "BenchmarkX/k_1-2", "BenchmarkX/k:1-2", "BenchmarkX_k=1-2", "BenchmarkX/k~1-2",
		"BenchmarkX/k\x001-2", "BenchmarkX/k\\1-2", "BenchmarkX/k%1-2", "BenchmarkX/k?1-2", "BenchmarkX/k*1-2",
		"BenchmarkX/" + strings.Repeat("a", 300), "BenchmarkX/" + strings.Repeat("a", 301), "BenchmarkX/" + strings.Repeat("é", 200),
		"BenchmarkX/..", "BenchmarkX/../../etc"}
	seen := map[string]string{}
	for _, n := range names {
		f := sweep.ProfileName(n)
		if prev, ok := seen[f]; ok {
			t.Errorf("%q and %q both write %q", prev, n, f)
		}
		seen[f] = n
		assert.NotContains(t, f, "/", n)
		assert.LessOrEqual(t, len(f)+len(".allocs.pprof")+20, 255, n)
		assert.Equal(t, filepath.Base(f), f)
	}
	assert.Equal(t, "BenchmarkJobs_workers=2-2", sweep.ProfileName("BenchmarkJobs/workers=2-2"), "a plain name stays readable")
}

// BenchmarkEnvProbe is a sweep of one count, for TestEnvLines: it runs only
// in the process that test starts.
func BenchmarkEnvProbe(b *testing.B) {
	if os.Getenv("SWEEP_ENV_PROBE") != "1" {
		b.Skip("run by TestEnvLines")
	}
	sweep.Over(b, "workers", []int{1}, func(b *testing.B, _ int) {
		for b.Loop() {
			_ = strings.Repeat("x", 100)
		}
	})
}

// TestEnvLines: SWEEP_SITES and SWEEP_PROFILES that cannot be used are
// said on stderr in one line, with what was done instead, and the run goes
// on (exit 0); a relative folder is the package's, and said.
func TestEnvLines(t *testing.T) {
	if testing.Short() {
		t.Skip("runs test binaries")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	readOnly := filepath.Join(dir, "read-only")
	require.NoError(t, os.Mkdir(readOnly, 0o555))
	long := filepath.Join(dir, strings.Repeat("d", 300))
	tests := []struct {
		name     string
		sites    string
		profiles string
		line     string // the one line's start
		files    string // a folder that must hold the profiles
	}{
		{"garbage", "garbage", "", `SWEEP_SITES="garbage": not off, a duration (150ms) or a count of ops (5x): the default pass runs`, ""},
		{"negative", "-1s", "", `SWEEP_SITES="-1s": not off`, ""},
		{"0x", "0x", "", `SWEEP_SITES="0x": a pass of no length: the pass is off`, ""},
		{"0s", "0s", "", `SWEEP_SITES="0s": a pass of no length: the pass is off`, ""},
		{"OFF", "OFF", "", `SWEEP_SITES="OFF": taken as off`, ""},
		{"profiles a file", "2x", file, `SWEEP_PROFILES="` + file + `": no profile files kept: mkdir ` + file + `: not a directory; the sites pass ran, and its line is written`, ""},
		{"profiles a path too long", "2x", long, `SWEEP_PROFILES="/`, ""},
		{"profiles in a read-only folder", "2x", readOnly, `SWEEP_PROFILES="` + readOnly + `": no profile files kept: `, ""},
		{"profiles blank", "2x", " ", `SWEEP_PROFILES=" ": blank: no profile files kept`, ""},
		{"profiles relative", "2x", "prof", `SWEEP_PROFILES="prof": a relative folder, taken from the package's folder, where go test runs the test binary: the profiles go to ` + filepath.Join(dir, "prof"), filepath.Join(dir, "prof")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.profiles == readOnly && os.Geteuid() == 0 {
				// Root writes in a folder of mode 0555: /sys is read-only
				// to root too, where it is mounted so.
				f, err := os.CreateTemp("/sys", "probe")
				if err == nil {
					f.Close()
					os.Remove(f.Name())
					t.Skip("root writes in a read-only folder, and in /sys")
				}
				tt.profiles, tt.line = "/sys", `SWEEP_PROFILES="/sys": no profile files kept: `
			}
			cmd := exec.Command(os.Args[0], "-test.run", "^$", "-test.bench", "^BenchmarkEnvProbe$", "-test.benchtime", "1x")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "SWEEP_ENV_PROBE=1", "SWEEP_SITES="+tt.sites, "SWEEP_PROFILES="+tt.profiles)
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Run(), "exit 0: %s%s", stdout.String(), stderr.String())
			assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line: %q", stderr.String())
			assert.True(t, strings.HasPrefix(stderr.String(), tt.line), "%q\nwant %q", stderr.String(), tt.line)
			if tt.profiles == long {
				assert.Contains(t, stderr.String(), ": no profile files kept: a file name too long for the file system: mkdir /")
				assert.Contains(t, stderr.String(), "…")
			}
			stray, err := filepath.Glob(filepath.Join(dir, "*.pprof"))
			require.NoError(t, err)
			assert.Empty(t, stray, "profiles written in the package's folder itself")
			_, err = os.Stat(filepath.Join(dir, " "))
			assert.True(t, os.IsNotExist(err), "a folder named by a blank SWEEP_PROFILES")
			if tt.files != "" {
				// In the folder of the benchmark's package, sweep_test.
				files, err := filepath.Glob(filepath.Join(tt.files, "sweep_test", "BenchmarkEnvProbe_workers=1*.cpu.pprof"))
				require.NoError(t, err)
				assert.Len(t, files, 1, "the profiles kept in %s", tt.files)
			}
		})
	}
}

// TestProfilesByPackage: two packages' benchmarks of one name (arcfour's
// and sha's BenchmarkJobs, run by one go test ./... into one folder) write
// two sets of files, each in its package's folder.
func TestProfilesByPackage(t *testing.T) {
	const module = "github.com/futuresbench/futures"
	tests := map[string]string{
		module + "/arcfour_test":  "arcfour_test",
		module + "/sha_test":      "sha_test",
		module + "/internal/x":    filepath.Join("internal", "x"),
		module:                    "",
		"":                        "",
		"a.example/limits":        filepath.Join("a.example", "limits"),
		"b.example/limits":        filepath.Join("b.example", "limits"),
		module + "/../../etc":     sweep.ProfileName("../../etc"),
		module + "/a//b":          sweep.ProfileName("a//b"),
		module + "/x:y":           sweep.ProfileName("x:y"),
		module + "x/not/a/subdir": filepath.Join(module+"x", "not", "a", "subdir"),
	}
	for pkg, want := range tests {
		assert.Equal(t, want, sweep.PkgFolder(pkg, module), pkg)
	}
	seen := map[string]string{}
	for pkg := range tests {
		f := sweep.PkgFolder(pkg, module)
		if other, ok := seen[f]; ok && pkg != "" && other != "" && f != "" {
			t.Errorf("%q and %q share %q", pkg, other, f)
		}
		seen[f] = pkg
	}
}
