package bench_test

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
	"github.com/futuresbench/futures/internal/chapter"
)

// page renders the report of a recorded make bench as the HTML page.
func page(t *testing.T, name string) []byte {
	t.Helper()
	d, err := load(t, name)
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, bench.Write(&out, bench.HTML, bench.Analyze(d), []string{"x.txt:1: Benchmark<script>: NaN sec/op"}, chapter.Section))
	return out.Bytes()
}

// TestHTMLSelfContained: the page loads nothing (no script, no src, no
// link, no URL but the SVG namespace), opens with the chapter's table, has
// a plot with its interval band, ideal and bound lines per sweep, and a
// decomposition where the runs carry CPU time; text from the input is
// escaped.
func TestHTMLSelfContained(t *testing.T) {
	p := string(page(t, "real_make_bench_quiet.txt"))
	for _, banned := range []string{"<script", "src=", "href=", "<link", "@import", "url("} {
		assert.NotContains(t, p, banned)
	}
	urls := regexp.MustCompile(`https?://[^"' ]+`).FindAllString(p, -1)
	for _, u := range urls {
		assert.Equal(t, "http://www.w3.org/2000/svg", u)
	}
	assert.Contains(t, p, "Benchmark&lt;script&gt;")
	chapterAt, firstCard := strings.Index(p, "The chapter's table"), strings.Index(p, `class="card"`)
	require.GreaterOrEqual(t, chapterAt, 0)
	assert.Less(t, chapterAt, firstCard, "opens with the chapter's table")
	cards := strings.Count(p, `class="card"`)
	d, err := load(t, "real_make_bench_quiet.txt")
	require.NoError(t, err)
	assert.Equal(t, len(d.Sweeps()), cards, "a card per sweep")
	assert.Equal(t, cards, strings.Count(p, `class="ideal"`))
	assert.Equal(t, cards, strings.Count(p, `class="speedup"`))
	// Every plot whose points have intervals has its band: 6 runs a
	// point, but where rounds on a slower core are left out (five of this
	// run's sweeps had one), five are too few.
	banded := 0
	for _, a := range bench.Analyze(d) {
		if a.Scaling.Intervals || !slices.ContainsFunc(a.Rows, func(r bench.Row) bool { return math.IsNaN(r.SpeedupLo) }) {
			banded++
		}
	}
	assert.Less(t, banded, cards)
	assert.Equal(t, banded, strings.Count(p, `class="ci"`), "every plot with intervals has its band")
	bounded := 0 // sweeps with a best allowed at two points or more: a line
	for _, a := range bench.Analyze(d) {
		n := 0
		for _, r := range a.Rows {
			if !math.IsNaN(r.Best) {
				n++
			}
		}
		if n >= 2 {
			bounded++
		}
	}
	assert.Equal(t, cards-1, bounded, "the sequential download has one point")
	assert.Equal(t, bounded, strings.Count(p, `class="best"`))
	assert.Positive(t, strings.Count(p, `class="decomposition"`))
}

// browser is a headless Chromium on PATH, or "".
func browser() string {
	for _, name := range []string{"chromium-headless-shell", "chrome-headless-shell", "chromium", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestHTMLInBrowser renders the page in a real headless browser at 1280 px
// and checks the screenshot: not blank, and drawn in the palette (the
// plots' blue line and band, the bound's vermilion, the decomposition's
// sky blue and orange). Skipped where no browser is installed (.ci/run
// installs Debian's chromium-headless-shell).
func TestHTMLInBrowser(t *testing.T) {
	bin := browser()
	if bin == "" {
		t.Skip("no headless browser on PATH (apt-get install chromium-headless-shell): the page is not rendered")
	}
	dir := t.TempDir()
	html := filepath.Join(dir, "report.html")
	require.NoError(t, os.WriteFile(html, page(t, "real_make_bench_quiet.txt"), 0o644))
	shot := filepath.Join(dir, "shot.png")
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--no-first-run", "--disable-background-networking", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--window-size=1280,2000", "--screenshot="+shot, "file://"+html)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	done := make(chan error, 1)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "%s", out.String())
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("the browser did not finish in 2 minutes: %s", out.String())
	}
	f, err := os.Open(shot)
	require.NoError(t, err, "no screenshot: %s", out.String())
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	b := img.Bounds()
	assert.Equal(t, 1280, b.Dx())

	nonWhite, total := 0, 0
	seen := map[string]int{}
	want := map[string][3]uint32{
		"blue": {0x00, 0x72, 0xB2}, "vermilion": {0xD5, 0x5E, 0x00},
		"sky": {0x56, 0xB4, 0xE9}, "orange": {0xE6, 0x9F, 0x00},
	}
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			total++
			if r < 240 || g < 240 || bl < 240 {
				nonWhite++
			}
			for name, c := range want {
				if near(r, c[0]) && near(g, c[1]) && near(bl, c[2]) {
					seen[name]++
				}
			}
		}
	}
	assert.Greater(t, float64(nonWhite)/float64(total), 0.03, "the screenshot is blank")
	for name := range want {
		assert.Positive(t, seen[name], "no %s in the screenshot: the plots were not drawn", name)
	}
}

func near(a, b uint32) bool { return a+12 >= b && b+12 >= a }

// TestHTMLEscapesTerminal: a terminal's escape in a name from the input (a
// benchmark's, a site's function, a left-out line, a banner) is written
// "\x1b" in the HTML page and its plots, as the text report writes it,
// never raw: the hostile review's page held "\x1b]0;pwned\a" raw.
func TestHTMLEscapesTerminal(t *testing.T) {
	in := "cores: 2\npkg: example.com/m/work\n" +
		"BenchmarkSp\x1b[31min/workers=1-2 10 100000000 ns/op 0.1 cpu-sec/op 0 runq-sec/op 0 others-sec/op 0.01 lockwait-sec/op\n" +
		"BenchmarkSp\x1b[31min/workers=2-2 10 100000000 ns/op 0.2 cpu-sec/op 0 runq-sec/op 0 others-sec/op 0.09 lockwait-sec/op\n" +
		`    sweep-sites: BenchmarkSp` + "\x1b" + `[31min/workers=2-2 {"ops":1,"mutex":[{"func":"\u001b[2J\u001b]0;pwned\u0007evil<b>","file":"a.go","line":3,"value":0.05}]}` + "\n"
	d, err := bench.Read(bench.Input{Name: "esc.txt", Data: []byte(in)})
	require.NoError(t, err)
	as := bench.Analyze(d)
	require.Len(t, as, 1)
	var out bytes.Buffer
	require.NoError(t, bench.Write(&out, bench.HTML, as, []string{"x.txt:1: BenchmarkX\x1b[2J: NaN sec/op"},
		bench.Banner("interrupted \x1b]0;title\a"), chapter.Section))
	p := out.String()
	for _, raw := range []string{"\x1b", "\a"} {
		assert.NotContains(t, p, raw)
	}
	assert.Contains(t, p, `\x1b[2J\x1b]0;pwned\aevil&lt;b&gt;`, "the site, escaped for a terminal, then for HTML")
	assert.Contains(t, p, `Sp\x1b[31min`, "the benchmark's name")
	assert.Contains(t, p, `BenchmarkX\x1b[2J`, "the left-out line")
	assert.Contains(t, p, `interrupted \x1b]0;title\a`, "the banner")
	var svg bytes.Buffer
	require.NoError(t, bench.WriteSVG(&svg, as))
	assert.NotContains(t, svg.String(), "\x1b")
}
