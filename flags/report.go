package flags

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/futuresbench/futures/internal/plural"
)

// POP20 returns the 20 most populous countries, the book's default codes.
func POP20() []string {
	return []string{"CN", "IN", "US", "ID", "BR", "PK", "NG", "BD", "RU", "JP",
		"MX", "PH", "VN", "ET", "EG", "DE", "IR", "TR", "CD", "FR"}
}

// allCodes are the 194 codes of the dataset (package flags/dataset), a list
// rather than a read of the embedded files, so that the downloader does not
// link the images (TestAllCodesMatchDataset keeps the two in step).
var allCodes = []string{
	"AD", "AE", "AF", "AG", "AL", "AM", "AO", "AR", "AT", "AU", "AZ", "BA",
	"BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BN", "BO", "BR", "BS",
	"BT", "BW", "BY", "BZ", "CA", "CD", "CF", "CG", "CH", "CI", "CL", "CM",
	"CN", "CO", "CR", "CU", "CV", "CY", "CZ", "DE", "DJ", "DK", "DM", "DZ",
	"EC", "EE", "EG", "ER", "ES", "ET", "FI", "FJ", "FM", "FR", "GA", "GB",
	"GD", "GE", "GH", "GM", "GN", "GQ", "GR", "GT", "GW", "GY", "HN", "HR",
	"HT", "HU", "ID", "IE", "IL", "IN", "IQ", "IR", "IS", "IT", "JM", "JO",
	"JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KZ", "LA",
	"LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC",
	"MD", "ME", "MG", "MH", "MK", "ML", "MM", "MN", "MR", "MT", "MU", "MV",
	"MW", "MX", "MY", "MZ", "NA", "NE", "NG", "NI", "NL", "NO", "NP", "NR",
	"NZ", "OM", "PA", "PE", "PG", "PH", "PK", "PL", "PT", "PW", "PY", "QA",
	"RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SI", "SK",
	"SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SY", "SZ", "TD", "TG",
	"TH", "TJ", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA",
	"UG", "US", "UY", "UZ", "VA", "VC", "VE", "VN", "VU", "WS", "YE", "ZA",
	"ZM", "ZW",
}

// AllCodes returns the 194 codes of the dataset (AD..ZW), upper case, sorted.
func AllCodes() []string { return slices.Clone(allCodes) }

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
	fmt.Fprintf(w, "Searching for %s: %s\n", plural.Count(len(codes), "flag", "flags"), which)
	fmt.Fprintf(w, "%s will be used.\n", plural.Count(concurrency, "concurrent connection", "concurrent connections"))
}

// FinalReport writes the book's summary; the not found, error and
// interrupted lines only when non-zero.
func FinalReport(w io.Writer, c Counts, elapsed time.Duration) {
	fmt.Fprintln(w, strings.Repeat("-", 20))
	fmt.Fprintf(w, "%s downloaded.\n", plural.Count(c.OK, "flag", "flags"))
	if c.NotFound > 0 {
		fmt.Fprintf(w, "%d not found.\n", c.NotFound)
	}
	if c.Error > 0 {
		fmt.Fprintf(w, "%s.\n", plural.Count(c.Error, "error", "errors"))
	}
	if c.Interrupted > 0 {
		fmt.Fprintf(w, "%d not attempted or cut short (interrupted).\n", c.Interrupted)
	}
	fmt.Fprintf(w, "Elapsed time: %.2fs\n", elapsed.Seconds())
}
