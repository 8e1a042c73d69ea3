package bench

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readGz reads a gzipped recording of testdata.
func readGz(t *testing.T, name string) []*Analysis {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	zr, err := gzip.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	data, err := io.ReadAll(zr)
	require.NoError(t, err)
	d, err := Read(Input{Name: name, Data: data})
	require.NoError(t, err)
	return Analyze(d)
}

// closureAlone is a site that is the benchmark's closure and nothing else.
var closureAlone = regexp.MustCompile(`^\S*\.Benchmark\w*\.func[0-9.]+( \([^)]*\))?$`)

// TestRealLibsBusy reads ten real libraries swept while other processes
// kept the machine busy (testdata/real_libs_busy.txt.gz): the report names
// the machine for each, and blames no site for it. Read as if every point
// were trusted, every site the catalog would name is a call path: never a
// runtime leaf alone, nor the benchmark's closure alone.
func TestRealLibsBusy(t *testing.T) {
	as := readGz(t, "real_libs_busy.txt.gz")
	require.Len(t, as, 10)
	sited := 0
	for _, a := range as {
		assert.Equal(t, LimitMachine, a.Limit, "%s: %s", a.Title(), a.Verdict())
		assert.Nil(t, a.Where, "%s: no site is blamed for a busy machine", a.Title())
		require.NotNil(t, a.sitesAt(2), "%s: the pass ran at workers=2", a.Title())
		require.NotNil(t, a.sitesAt(2).Idle, "%s: with the trace's idle split", a.Title())
		// As if every point were trusted: the site the catalog names,
		// and the parts of the idle split at workers=2.
		for i := range a.Rows {
			a.Rows[i].Disturbed = nil
		}
		_, f := judge(a)
		for _, w := range []*Where{f.Where, idleSplit(2, a.sitesAt(2).Idle, 0)} {
			if w == nil {
				continue
			}
			for _, s := range append(w.Sites, w.Waiters...) {
				str := site(s)
				sited++
				assert.False(t, strings.HasPrefix(str, "runtime.") && !strings.Contains(str, " → "), "%s: %s: %s: a runtime leaf alone", a.Title(), w.Kind, str)
				// Bytes the closure's own code allocated (a value boxed
				// into an interface, an append) are sited at its line:
				// the allocs profile holds no frame below it but the
				// runtime's. Anywhere else the closure alone is no site.
				if w.Kind == WhereAlloc && s.Line > 0 {
					continue
				}
				assert.False(t, closureAlone.MatchString(str), "%s: %s: %s: the closure alone (%+v)", a.Title(), w.Kind, str, s)
			}
		}
	}
	assert.Greater(t, sited, 10, "the recording holds sites to check")
}

// TestRealLibsSplit: on the real libraries' 300ms run, the trace's idle
// split at workers=2 holds, as its largest part, what each workload was
// built to show, at the library's call path: golang-lru's lock (woken by
// Add's and Get's Unlock), encoding/json's serial part after the parallel
// one, and the last, long task of gzip and png. (The report names none of
// them: the machine was busy, and its guard says so.)
func TestRealLibsSplit(t *testing.T) {
	want := map[string]struct {
		part PatternID
		path string // in the part's first site
	}{
		"LRU-2":        {PatternLock, "golang-lru/v2.(*Cache[...])."},
		"JSONSerial-2": {PatternSerial, "libs.summarize (libs_test.go:224) → encoding/json.Marshal"},
		"Gzip-2":       {PatternLongTask, "libs.BenchmarkGzip.func1.1 (libs_test.go:205) → compress/gzip.(*Writer).Write"},
		"PNG-2":        {PatternLongTask, "libs.BenchmarkPNG.func1.1 (libs_test.go:186) → image/png.Encode"},
	}
	seen := 0
	for _, a := range readGz(t, "real_libs_busy_300ms.txt.gz") {
		w, ok := want[a.Name]
		if !ok {
			continue
		}
		seen++
		st := a.sitesAt(2)
		require.NotNil(t, st, a.Name)
		require.NotNil(t, st.Idle, a.Name)
		split := idleSplit(2, st.Idle, st.Samples)
		require.NotEmpty(t, split.Parts, a.Name)
		assert.Equal(t, w.part, split.Parts[0].Pattern, "%s: %+v", a.Name, split.Parts)
		assert.GreaterOrEqual(t, split.Parts[0].Share, IdlePart, "%s: %+v", a.Name, split.Parts)
		require.NotEmpty(t, split.Sites, a.Name)
		assert.Contains(t, site(split.Sites[0]), w.path, a.Name)
		assert.Equal(t, LimitMachine, a.Limit, "%s: the report names the machine", a.Name)
	}
	assert.Equal(t, len(want), seen)
}

// TestRealLibsQuiet: real libraries swept alone in a quieter moment
// (testdata/real_libs_quiet_300ms.txt.gz): each catalog entry the run
// shows is named, at the library's call path (golang-lru: the lock, whose
// Unlock wakes waiters that wait to be scheduled, though the collector's
// share named the collector first); a point the pass skipped
// says so; the machine, where it was busy, is named with no site; and "one
// long task" is said only where the trace shows the tail.
func TestRealLibsQuiet(t *testing.T) {
	checkRealLibs(t, "real_libs_quiet_300ms.txt.gz", map[string]realLib{
		"JSONSerial-2": {LimitParallelism, WhereSerial, "a serial part, 82% of the idle core time at workers=2: the benchmark's own goroutine ran 2.49ms per op alone, around the executor, in libs.BenchmarkJSONSerial.func1 (libs_test.go:244) → libs.summarize (libs_test.go:224) → encoding/json.Marshal"},
		"PNG-2":        {LimitParallelism, WhereLongTask, "one long task, 99% of the idle core time at workers=2: the other workers were done while one ran its last input, in libs.BenchmarkPNG.func1.1 (libs_test.go:186) → image/png.Encode"},
		"LRU-2":        {LimitLock, WhereLock, "97% of it is goroutines woken by an Unlock that waited to be scheduled, which it does not count); where: the lock, 96% of the idle core time at workers=2: runnable, waiting to be scheduled, after the Unlock in libs.BenchmarkLRU.func1.1 (libs_test.go:76) → golang-lru/v2.(*Cache[...]).Add (lru.go:87)"},
		"Zerolog-2":    {LimitLock, WhereSpin, "by libs.BenchmarkZerolog.func1.1 (libs_test.go:118) → zerolog.(*Event).Msg (event.go:119) → sync.(*Mutex).Lock"},
		"GoCache-2":    {LimitWork, WhereGrowth, "of what grew was in a mutex's spin and wake paths"},
		"Gzip-2":       {LimitParallelism, WhereNone, "the sites pass of package sweep did not run at workers=2 (not run: one op"},
		"Ristretto-2":  {LimitUnknown, WhereNone, "cannot tell yet whether the cores"},
		"Slog-2":       {LimitUnknown, WhereNone, "cannot tell yet whether the cores"},
		"Zstd-2":       {LimitMachine, WhereNone, "a busy machine"},
		"LZ4-2":        {LimitMachine, WhereNone, "a busy machine"},
	})
}

// TestRealLibsWhole: the ten libraries swept as the README says, the whole
// file with nothing set (-count 6 -benchtime 300ms), in a moment the load
// fell to 2-3 (testdata/real_libs_whole_300ms.txt.gz): go-cache's and
// golang-lru's locks read from the trace, woken by Unlock (one long task
// before), zerolog's lock from its spin, png's one long task, gzip's
// skipped pass said with why; the machine where it was busy, no site.
func TestRealLibsWhole(t *testing.T) {
	checkRealLibs(t, "real_libs_whole_300ms.txt.gz", map[string]realLib{
		"LRU-2":        {LimitLock, WhereLock, "after the Unlock in libs.BenchmarkLRU.func1.1 (libs_test.go:76) → golang-lru/v2.(*Cache[...]).Add (lru.go:87)"},
		"GoCache-2":    {LimitLock, WhereLock, "after the Unlock in libs.BenchmarkGoCache.func1.1 (libs_test.go:95) → go-cache.(*cache).Set (cache.go:67)"},
		"Zerolog-2":    {LimitLock, WhereSpin, "by libs.BenchmarkZerolog.func1.1 (libs_test.go:118) → zerolog.(*Event).Msg (event.go:119)"},
		"Slog-2":       {LimitWork, WhereGrowth, "of what grew was in a mutex's spin and wake paths"},
		"Zstd-2":       {LimitUnknown, WhereNone, "cannot tell yet whether the cores"},
		"PNG-2":        {LimitParallelism, WhereLongTask, "in libs.BenchmarkPNG.func1.1 (libs_test.go:186) → image/png.Encode"},
		"Gzip-2":       {LimitParallelism, WhereNone, "did not run at workers=2 (not run: one op"},
		"JSONSerial-2": {LimitMachine, WhereNone, "a busy machine"},
		"Ristretto-2":  {LimitMachine, WhereNone, "a busy machine"},
		"LZ4-2":        {LimitMachine, WhereNone, "a busy machine"},
	})
}

// realLib is what a recorded real library's sweep must read: its limit,
// the kind of its site (WhereNone: none), and words of its diagnosis.
type realLib struct {
	limit Limit
	kind  WhereKind
	say   string
}

// checkRealLibs holds every sweep of a recorded file of real libraries to
// want: never "... would)" for a pass that was on, and "one long task"
// only where the site is the tail.
func checkRealLibs(t *testing.T, file string, want map[string]realLib) {
	t.Helper()
	as := readGz(t, file)
	require.Len(t, as, len(want))
	for _, a := range as {
		w, ok := want[a.Name]
		require.True(t, ok, a.Name)
		d := a.Diagnosis()
		assert.Equal(t, w.limit, a.Limit, "%s: %s", a.Name, d)
		if w.kind == WhereNone {
			assert.Nil(t, a.Where, "%s: %s", a.Name, d)
		} else if assert.NotNil(t, a.Where, "%s: %s", a.Name, d) {
			assert.Equal(t, w.kind, a.Where.Kind, "%s: %s", a.Name, d)
		}
		assert.Contains(t, d, w.say, a.Name)
		assert.NotContains(t, d, "would)", a.Name)
		if a.Where == nil || a.Where.Kind != WhereLongTask {
			assert.NotContains(t, d, "where: one long task", a.Name)
		}
	}
}
