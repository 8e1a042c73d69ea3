package testjson

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The texts are go test's (go1.26), cut from real runs of a scratch
// module (cmd/benchreport/testdata/json/failures_*).
func TestFailures(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []Failure
	}{
		{
			name: "builds that failed",
			text: "FAIL\texample.com/m/benchpanic [build failed]\nFAIL\texample.com/m/broken [build failed]\ngoos: linux\n",
			want: []Failure{{"example.com/m/benchpanic", "build failed", 1}, {"example.com/m/broken", "build failed", 2}},
		},
		{
			name: "a test failed in each of two runs (-count 2)",
			text: "--- FAIL: TestWrong (0.00s)\n    t_test.go:5: two and two make five\n--- FAIL: TestWrong (0.00s)\n    t_test.go:5: two and two make five\nFAIL\nexit status 1\nFAIL\texample.com/m/testfail\t0.008s\nFAIL\n",
			want: []Failure{{"example.com/m/testfail", "TestWrong failed", 7}},
		},
		{
			name: "two tests failed, a subtest's line not counted",
			text: "--- FAIL: TestA (0.00s)\n    --- FAIL: TestA/sub (0.00s)\n--- FAIL: TestB (0.00s)\nFAIL\nFAIL\tp\t0.1s\n",
			want: []Failure{{"p", "2 tests failed (TestA, ...)", 5}},
		},
		{
			name: "a benchmark that panicked",
			text: "pkg: example.com/m/benchpanic\nBenchmarkBoom/workers=1-2 \t3\t107.0 ns/op\npanic: boom\n\ngoroutine 9 [running]:\nexit status 2\nFAIL\texample.com/m/benchpanic\t0.039s\n",
			want: []Failure{{"example.com/m/benchpanic", "panic: boom", 7}},
		},
		{
			name: "go test's text of a benchmark that crashed: its name before the crash",
			text: "pkg: p\nBenchmarkM/workers=2-2         \tfatal error: concurrent map writes\n\ngoroutine 9 [running]:\nexit status 2\nFAIL\tp\t0.039s\n",
			want: []Failure{{"p", "fatal error: concurrent map writes", 6}},
		},
		{
			name: "a failed benchmark is said by its own line, not again",
			text: "--- FAIL: BenchmarkFlaky/workers=2\n    f_test.go:7: round trip failed\n--- FAIL: BenchmarkFlaky\nFAIL\nexit status 1\nFAIL\texample.com/m/benchfail\t0.028s\n",
		},
		{
			name: "a binary that exited without saying why",
			text: "pkg: p\nexit status 3\nFAIL\tp\t0.1s\n",
			want: []Failure{{"p", "the test binary failed: exit status 3", 3}},
		},
		{
			name: "one package's failure not carried to the next",
			text: "--- FAIL: TestA (0.00s)\nFAIL\nFAIL\ta\t0.1s\npkg: b\nPASS\nok  \tb\t0.2s\n--- FAIL: BenchmarkX\nFAIL\tc\t0.1s\n",
			want: []Failure{{"a", "TestA failed", 3}},
		},
		{name: "a setup failure", text: "FAIL\tp [setup failed]\n", want: []Failure{{"p", "setup failed", 1}}},
		{name: "go test's last FAIL line and passing runs", text: "ok  \ta\t0.1s\nPASS\nFAIL\n"},
		{name: "a FAIL line that is not go test's", text: "FAIL\tsomething else happened here\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Failures([]byte(tt.text)))
		})
	}
}

// TestStreamFailures: a stream's build failure says the first error of
// the build that failed, and which package it was.
func TestStreamFailures(t *testing.T) {
	const id = "example.com/m/broken [example.com/m/broken.test]"
	stream := `{"ImportPath":"` + id + `","Action":"build-output","Output":"# ` + id + `\n"}` + "\n" +
		`{"ImportPath":"` + id + `","Action":"build-output","Output":"broken/broken.go:3:23: undefined: undefinedName\n"}` + "\n" +
		`{"ImportPath":"` + id + `","Action":"build-fail"}` + "\n" +
		`{"Action":"start","Package":"example.com/m/a"}` + "\n" +
		out("example.com/m/a", "FAIL\texample.com/m/a [build failed]\n") +
		`{"Action":"fail","Package":"example.com/m/a","FailedBuild":"` + id + `"}` + "\n" +
		out("example.com/m/broken", "FAIL\texample.com/m/broken [build failed]\n") +
		`{"Action":"fail","Package":"example.com/m/broken","FailedBuild":"` + id + `"}` + "\n"
	s, err := Decode([]byte(stream))
	require.NoError(t, err)
	assert.Equal(t, []Failure{
		{"example.com/m/a", "build failed (example.com/m/broken did not build): broken/broken.go:3:23: undefined: undefinedName", 5},
		{"example.com/m/broken", "build failed: broken/broken.go:3:23: undefined: undefinedName", 7},
	}, s.Failures())
}

func TestDropCutNames(t *testing.T) {
	tests := []struct{ in, want string }{
		{"BenchmarkBoom/workers=2-2         \tpanic: boom\n\ngoroutine 9 [running]:\n", "panic: boom\n\ngoroutine 9 [running]:\n"},
		{"x\nBenchmarkM-2 \tfatal error: concurrent map writes\n", "x\nfatal error: concurrent map writes\n"},
		{"BenchmarkX-2 \t       5\t  59936902 ns/op\n", "BenchmarkX-2 \t       5\t  59936902 ns/op\n"},
		{"BenchmarkX-2 \tpanicky: 1 ns/op\n", "BenchmarkX-2 \tpanicky: 1 ns/op\n"},
		{"    BenchmarkX-2 \tpanic: indented, no name go test printed\n", "    BenchmarkX-2 \tpanic: indented, no name go test printed\n"},
	}
	for _, tt := range tests {
		got := string(DropCutNames([]byte(tt.in)))
		assert.Equal(t, tt.want, got)
		assert.Equal(t, strings.Count(tt.in, "\n"), strings.Count(got, "\n"), "lines keep their numbers")
	}
}

func Example() {
	stream := []byte(`{"Action":"start","Package":"example.com/m"}
{"Action":"output","Package":"example.com/m","Output":"pkg: example.com/m\n"}
go: downloading golang.org/x/perf v0.0.0
{"Action":"output","Package":"example.com/m","Output":"BenchmarkJobs/workers=2-2  \t"}
{"Action":"output","Package":"example.com/m","Output":"  100\t 123 ns/op\n"}
{"Action":"pass","Package":"example.com/m"}
`)
	if !IsStream(stream) {
		return
	}
	s, err := Decode(stream)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(s.Text()))
	fmt.Println("the result is on line", s.Line(2), "of the stream;", s.Skipped, "line not JSON skipped")
	// Output:
	// pkg: example.com/m
	// BenchmarkJobs/workers=2-2  	  100	 123 ns/op
	// the result is on line 5 of the stream; 1 line not JSON skipped
}

// TestFailuresClipped: what a failure says of a line is at most maxSaid
// bytes of it, cut at a character's start.
func TestFailuresClipped(t *testing.T) {
	long := "panic: " + strings.Repeat("é", 400)
	fs := Failures([]byte(long + "\nFAIL\tp\t0.1s\n"))
	require.Len(t, fs, 1)
	assert.LessOrEqual(t, len(fs[0].Why), maxSaid+len("..."))
	assert.True(t, strings.HasPrefix(long, strings.TrimSuffix(fs[0].Why, "...")))
	assert.True(t, utf8.ValidString(fs[0].Why))
}
