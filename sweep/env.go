package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// The environment variables are read by every test binary that runs a
// sweep. A value that cannot be used, or is taken otherwise than it
// reads, is said on stderr in one line, once a process, with what was done
// instead; the line starts with the variable's name, so that benchfmt
// (which takes "key: value" lines with a lower-case key for configuration)
// reads it as no line of its own.

// stderr is where those lines go (a test's buffer in the tests).
var stderr io.Writer = os.Stderr

// said holds the lines said.
var said sync.Map

// say says line on stderr, each distinct line at most once a process.
func say(line string) {
	if _, dup := said.LoadOrStore(line, true); !dup {
		fmt.Fprintln(stderr, line)
	}
}

// defaultPass is what the pass does where EnvSites does not set it, in
// words.
const defaultPass = "the default pass runs, as with SWEEP_SITES unset"

// maxPassD and maxPassN bound a pass EnvSites sets: a pass runs at every
// point of a sweep, and nothing stops one once it runs (not even
// -test.timeout, whose panic waits for the benchmark), so a value past
// them ("1000000h", "99999999999999x", a typo of "100ms") is said and
// clamped to them rather than taken.
const (
	maxPassD = time.Minute
	maxPassN = 10000
)

// parseSites reads a value of EnvSites: set is false where the default
// applies (unset, or a value that cannot be used); msg, where not empty,
// is the line to say. "off", "0" and "false" turn the pass off, in any
// case; a duration ("150ms") or a count of ops ("5x") sets its length; a
// length of nothing ("0s", "0x") turns it off, saying so; anything else
// ("garbage", "-1s", "1.5x", "runs:0") is said, and the default pass runs;
// "runs:K" is the default pass, planned for K runs of the sweep; a length
// past maxPassD or maxPassN is said and clamped to it.
func parseSites(v string) (w window, on, set bool, msg string) {
	t := strings.TrimSpace(v)
	q := fmt.Sprintf("%s=%q", EnvSites, shortName(v))
	switch {
	case t == "":
		if v != "" {
			return window{}, false, false, q + ": empty: " + defaultPass
		}
		return window{}, false, false, ""
	case t == "off" || t == "0" || t == "false":
		return window{}, false, true, ""
	case strings.EqualFold(t, "off") || strings.EqualFold(t, "false") || strings.EqualFold(t, "no"):
		return window{}, false, true, q + ": taken as off: the pass is off"
	}
	if w, ok := parseWindow(t); ok {
		switch {
		case w.d > maxPassD:
			return window{d: maxPassD}, true, true, fmt.Sprintf("%s: longer than %v, the most a pass may run: %v a pass", q, maxPassD, maxPassD)
		case w.n > maxPassN:
			return window{n: maxPassN}, true, true, fmt.Sprintf("%s: more than %dx, the most ops a pass may run: %dx a pass", q, maxPassN, maxPassN)
		}
		return w, true, true, ""
	}
	if k, found := strings.CutPrefix(t, "runs:"); found {
		// The budget of K runs of the sweep (make bench's rounds): the
		// default pass, planned for them.
		if n, err := strconv.Atoi(k); err == nil && n > 0 {
			return window{}, false, false, ""
		}
		return window{}, false, false, q + ": runs:K wants a number of runs from 1: " + defaultPass
	}
	n, isCount := strings.CutSuffix(t, "x")
	if d, err := time.ParseDuration(t); err == nil && d == 0 || isCount && strings.Trim(n, "0") == "" && n != "" {
		return window{}, false, true, q + ": a pass of no length: the pass is off (" + EnvSites + "=off says so)"
	}
	return window{}, false, false, q + ": not off, a duration (150ms) or a count of ops (5x): " + defaultPass
}

// sitesSetting is EnvSites read (parseSites), its line said.
func sitesSetting() (w window, on, set bool) {
	w, on, set, msg := parseSites(os.Getenv(EnvSites))
	if msg != "" {
		say(msg)
	}
	return w, on, set
}

// profilesDir is the folder of EnvProfiles, absolute: a relative one is
// taken from the folder the test binary runs in, which go test makes the
// package's own (and says so in PWD), not the folder go test was started
// in, which the binary cannot know; that is said, once. "" where
// EnvProfiles is unset.
func profilesDir() string {
	dir := os.Getenv(EnvProfiles)
	if strings.TrimSpace(dir) == "" {
		if dir != "" {
			say(fmt.Sprintf("%s=%q: blank: no profile files kept", EnvProfiles, dir))
		}
		return ""
	}
	if filepath.IsAbs(dir) {
		return dir
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	dir = shortName(dir)
	say(fmt.Sprintf("%s=%q: a relative folder, taken from the package's folder, where go test runs the test binary: the profiles go to %s (give an absolute folder to keep every package's in one)", EnvProfiles, dir, abs))
	return abs
}

// profilesPath is the path prefix of the profile files of the point
// named point of a benchmark of package pkg: the folder of EnvProfiles,
// the package's folder in it (pkgFolder), and profileName(point); "" where
// none are kept.
func profilesPath(pkg, point string) string {
	dir := profilesDir()
	if dir == "" {
		return ""
	}
	return filepath.Join(dir, pkgFolder(pkg, mainModule()), profileName(point))
}

// pkgFolder is the folder, within EnvProfiles's, of the profiles of a
// benchmark of package pkg: its import path within the main module
// ("arcfour_test" of github.com/futuresbench/futures/arcfour_test), the
// whole path for a package outside it, "" (the folder itself) for the
// module's root package or an unknown one. Two packages are two folders,
// whatever their benchmarks are named. A path holding an element that is
// no folder's name ("", ".", "..", a character file names do not take)
// is one folder, named as profileName names a point.
func pkgFolder(pkg, module string) string {
	rel := pkg
	if module != "" {
		if pkg == module {
			return ""
		}
		if r, ok := strings.CutPrefix(pkg, module+"/"); ok {
			rel = r
		}
	}
	if rel == "" {
		return ""
	}
	for _, e := range strings.Split(rel, "/") {
		if e == "" || e == "." || e == ".." || len(e) > maxFileName || strings.ContainsFunc(e, func(r rune) bool {
			return r < ' ' || r == 0x7f || r == utf8.RuneError || strings.ContainsRune(`\:*?"<>|%`, r)
		}) {
			return profileName(rel)
		}
	}
	return filepath.FromSlash(rel)
}

// profilesFailed says, once a process, that the profiles could not be
// kept, and that the pass went on without them.
func profilesFailed(err error) {
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	if strings.Contains(msg, "file name too long") {
		msg = "a file name too long for the file system: " + msg
	}
	once := fmt.Sprintf("%s=%q: no profile files kept: %s; the sites pass ran, and its line is written", EnvProfiles, shortName(os.Getenv(EnvProfiles)), shortName(msg))
	profilesOnce.Do(func() { fmt.Fprintln(stderr, once) })
}

var profilesOnce sync.Once

// maxFileName bounds the part of a profile file's name that is the
// point's: the files' suffixes (".allocs.pprof") and a temporary file's
// fit under the 255 bytes of a file name.
const maxFileName = 180

// profileName is the file name of the point's profiles, before their
// suffix: the name with each "/" written "_", readable as before
// ("BenchmarkX_workers=2-2"). Where that could be another name's (the
// name holds "_", "~", a character no file name may hold on some system,
// which is written "_" too, or a control character) or is too long for
// a file name, a hash of the whole name follows a "~" ("k=1", "k_1" and
// "k:1" are three files), and a long name is cut first.
func profileName(point string) string {
	var b strings.Builder
	lossy := false
	for _, r := range point {
		switch {
		case r == '/':
			b.WriteByte('_')
		case r == '_' || r == '~':
			lossy = true
			b.WriteRune(r)
		case r < ' ' || r == 0x7f || r == utf8.RuneError || strings.ContainsRune(`\:*?"<>|%`, r):
			lossy = true
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	name := b.String()
	if len(name) > maxFileName {
		cut := maxFileName
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name, lossy = name[:cut], true
	}
	if lossy {
		sum := sha256.Sum256([]byte(point))
		name += "~" + hex.EncodeToString(sum[:6])
	}
	return name
}
