package bench_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
)

// hostile reads a file of testdata/bench/hostile.
func hostile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(shared, "hostile", name))
	require.NoError(t, err)
	return b
}

// TestSameBaseName: two packages that end alike (a.example/limits and
// b.example/limits, each with BenchmarkLock and its sites) are two sweeps
// of their own runs, each shown with as much of its path as tells it
// apart, and each point carries its own package's sites, never the other's.
func TestSameBaseName(t *testing.T) {
	data := hostile(t, "same_base.txt")
	for _, withoutA := range []bool{false, true} {
		in := data
		if withoutA {
			// The sites of b.example/limits alone: a.example/limits's
			// points must have none.
			var b strings.Builder
			pkg := ""
			for line := range strings.Lines(string(data)) {
				if p, ok := strings.CutPrefix(line, "pkg: "); ok {
					pkg = strings.TrimSpace(p)
				}
				if pkg == "a.example/limits" && strings.Contains(line, "sweep-sites:") {
					continue
				}
				b.WriteString(line)
			}
			in = []byte(b.String())
		}
		s, err := bench.Read(bench.Input{Name: "same_base.txt", Data: in})
		require.NoError(t, err)
		as := bench.Analyze(s)
		require.Len(t, as, 2, "one sweep a package")
		for i, pkg := range []string{"a.example/limits", "b.example/limits"} {
			a := as[i]
			assert.Equal(t, pkg, a.Pkg)
			assert.Equal(t, pkg+": Lock-2", a.Title())
			other := strings.Replace(pkg, pkg[:1], string('a'+'b'-pkg[0]), 1)
			for _, p := range a.Points {
				assert.Len(t, p.Values, 6, "%s %s: its own 6 runs", pkg, p.Name)
				if withoutA && i == 0 {
					assert.Nil(t, p.Sites, "%s %s: the other package's sites", pkg, p.Name)
					continue
				}
				require.NotNil(t, p.Sites, "%s %s", pkg, p.Name)
				for _, st := range p.Sites.Mutex {
					assert.NotContains(t, st.Func+st.User, other, "%s %s", pkg, p.Name)
				}
			}
			assert.NotContains(t, a.Verdict(), other, a.Title())
		}
	}
}

// TestFailedInItsPackage: a --- FAIL line is its own package's sweep's,
// not that of a package ending alike.
func TestFailedInItsPackage(t *testing.T) {
	data := string(hostile(t, "same_base.txt")) + "--- FAIL: BenchmarkLock/workers=2\n"
	s, err := bench.Read(bench.Input{Name: "in", Data: []byte(data)})
	require.NoError(t, err)
	as := bench.Analyze(s)
	require.Len(t, as, 2)
	assert.Empty(t, as[0].Failed, as[0].Title())
	assert.Equal(t, []string{"Lock/workers=2"}, as[1].Failed, as[1].Title())
}

func TestLabels(t *testing.T) {
	tests := []struct {
		keys []string
		want []string
	}{
		{[]string{"a.example/limits Lock-2", "b.example/limits Lock-2", "example.com/m/pool Map-2"},
			[]string{"a.example/limits Lock-2", "b.example/limits Lock-2", "pool Map-2"}},
		{[]string{"m/service1/cache Get", "m/service2/cache Get", "m/service1/cache Put"},
			[]string{"service1/cache Get", "service2/cache Get", "service1/cache Put"}},
		{[]string{"x/a/limits L", "a/limits L", "limits L"},
			[]string{"x/a/limits L", "a/limits L", "limits L"}},
		{[]string{"example.com/m/arcfour Jobs-2", " Jobs-2"}, []string{"arcfour Jobs-2", " Jobs-2"}},
		{[]string{"q/r/s/t/u/v/w/z A", "p/r/s/t/u/v/w/z A"}, []string{"q/r/s/t/u/v/w/z A", "p/r/s/t/u/v/w/z A"}},
	}
	for _, tt := range tests {
		got := bench.Labels(tt.keys)
		for i, k := range tt.keys {
			assert.Equal(t, tt.want[i], got[k], k)
		}
	}
}

// TestBMFSameBaseName: Bencher's names of two packages that end alike are
// two, each with its own median.
func TestBMFSameBaseName(t *testing.T) {
	s, err := bench.Read(bench.Input{Name: "in", Data: hostile(t, "same_base.txt")})
	require.NoError(t, err)
	b, leftOut := bench.NewBMF(s, bench.Analyze(s))
	assert.Empty(t, leftOut)
	for _, pkg := range []string{"a.example/limits", "b.example/limits"} {
		assert.Contains(t, b, pkg+".BenchmarkLock/workers=2-2")
	}
	assert.NotContains(t, b, "limits.BenchmarkLock/workers=2-2")
}
