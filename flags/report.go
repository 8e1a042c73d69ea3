package flags

import (
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/futuresbench/futures"
)

// POP20 are the 20 most populous countries, the book's default codes.
var POP20 = []string{"CN", "IN", "US", "ID", "BR", "PK", "NG", "BD", "RU", "JP",
	"MX", "PH", "VN", "ET", "EG", "DE", "IR", "TR", "CD", "FR"}

// AllCodes returns the 194 codes of the dataset (AD..ZW), upper case, sorted.
func AllCodes() []string {
	entries, err := fs.ReadDir(futures.Flags(), ".")
	if err != nil {
		panic(err) // embedded at build time
	}
	var codes []string
	for _, e := range entries {
		if e.IsDir() && len(e.Name()) == 2 {
			codes = append(codes, strings.ToUpper(e.Name()))
		}
	}
	slices.Sort(codes)
	return codes
}

// EveryCode returns all 676 two-letter codes AA..ZZ.
func EveryCode() []string {
	codes := make([]string, 0, 26*26)
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			codes = append(codes, string([]rune{a, b}))
		}
	}
	return codes
}

// ErrBadCode is the error for an argument that is neither a letter nor two.
var ErrBadCode = fmt.Errorf("each CC argument must be A to Z or AA to ZZ")

// ExpandCodes turns command-line arguments into the sorted, de-duplicated
// list of codes, as flags2_common does: every (AA..ZZ) wins over all (the
// dataset's codes), which wins over the arguments; an argument of one letter
// stands for the 26 codes that begin with it; no codes at all means POP20.
// limit > 0 keeps the first limit codes.
func ExpandCodes(args []string, all, every bool, limit int) ([]string, error) {
	set := map[string]bool{}
	switch {
	case every:
		for _, cc := range EveryCode() {
			set[cc] = true
		}
	case all:
		for _, cc := range AllCodes() {
			set[cc] = true
		}
	default:
		for _, arg := range args {
			cc := strings.ToUpper(arg)
			switch {
			case len(cc) == 1 && isUpper(cc[0]):
				for b := byte('A'); b <= 'Z'; b++ {
					set[cc+string(b)] = true
				}
			case len(cc) == 2 && isUpper(cc[0]) && isUpper(cc[1]):
				set[cc] = true
			default:
				return nil, fmt.Errorf("%w: %q", ErrBadCode, arg)
			}
		}
	}
	if len(set) == 0 {
		for _, cc := range POP20 {
			set[cc] = true
		}
	}
	codes := make([]string, 0, len(set))
	for cc := range set {
		codes = append(codes, cc)
	}
	slices.Sort(codes)
	if limit > 0 && limit < len(codes) {
		codes = codes[:limit]
	}
	return codes, nil
}

func isUpper(b byte) bool { return 'A' <= b && b <= 'Z' }

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// InitialReport writes the book's opening lines: the site, the codes, the
// concurrency.
func InitialReport(w io.Writer, label, baseURL string, codes []string, concurrency int) {
	fmt.Fprintf(w, "%s site: %s\n", label, baseURL)
	var which string
	switch {
	case len(codes) <= 10:
		which = strings.Join(codes, ", ")
	default:
		which = "from " + codes[0] + " to " + codes[len(codes)-1]
	}
	fmt.Fprintf(w, "Searching for %s: %s\n", plural(len(codes), "flag", "flags"), which)
	fmt.Fprintf(w, "%s will be used.\n", plural(concurrency, "concurrent connection", "concurrent connections"))
}

// FinalReport writes the book's summary; the not found, error and
// interrupted lines only when non-zero.
func FinalReport(w io.Writer, c Counts, elapsed time.Duration) {
	fmt.Fprintln(w, strings.Repeat("-", 20))
	fmt.Fprintf(w, "%s downloaded.\n", plural(c.OK, "flag", "flags"))
	if c.NotFound > 0 {
		fmt.Fprintf(w, "%d not found.\n", c.NotFound)
	}
	if c.Error > 0 {
		fmt.Fprintf(w, "%s.\n", plural(c.Error, "error", "errors"))
	}
	if c.Interrupted > 0 {
		fmt.Fprintf(w, "%d not attempted or cut short (interrupted).\n", c.Interrupted)
	}
	fmt.Fprintf(w, "Elapsed time: %.2fs\n", elapsed.Seconds())
}
