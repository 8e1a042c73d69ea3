package flagserver

import (
	"io/fs"
	"strings"
	"time"
)

type config struct {
	delayMin, delayMax time.Duration
	errorRate          float64
	errorStatus        int
	seed               uint64
	faults             map[string]Fault
	fsys               fs.FS
}

// An Option configures a server. A bad option makes NewHandler and NewServer
// return an error wrapping ErrBadOption.
type Option func(*config) error

// WithDelay waits d before sending the headers of every answer.
func WithDelay(d time.Duration) Option {
	return WithDelayRange(d, d)
}

// WithDelayRange waits a uniformly random time between min and max before
// sending the headers of every answer (the book's DELAY server: 0.5 to 5 s).
func WithDelayRange(min, max time.Duration) Option {
	return func(c *config) error {
		if min < 0 || max < min {
			return badOption("delay range %v..%v: want 0 <= min <= max", min, max)
		}
		c.delayMin, c.delayMax = min, max
		return nil
	}
}

// WithErrorRate answers a share p of requests (0 <= p <= 1), drawn from the
// seeded random source, with the error status (418 unless WithErrorStatus).
func WithErrorRate(p float64) Option {
	return func(c *config) error {
		if !(p >= 0 && p <= 1) { // also rejects NaN
			return badOption("error rate %v outside 0..1", p)
		}
		c.errorRate = p
		return nil
	}
}

// WithErrorStatus sets the status of WithErrorRate's answers (400..599).
func WithErrorStatus(code int) Option {
	return func(c *config) error {
		if code < 400 || code > 599 {
			return badOption("error status %d outside 400..599", code)
		}
		c.errorStatus = code
		return nil
	}
}

// WithSeed seeds the random source of delays and errors (default 1), so
// that a test can be exact.
func WithSeed(seed uint64) Option {
	return func(c *config) error { c.seed = seed; return nil }
}

// WithFault makes every request for the country code cc (two letters, any
// case) misbehave as f. It takes precedence over delays and the error rate.
func WithFault(cc string, f Fault) Option {
	return func(c *config) error {
		if len(cc) != 2 || !isLetter(cc[0]) || !isLetter(cc[1]) {
			return badOption("country code %q: want two letters", cc)
		}
		switch f.kind {
		case faultStatus:
			if f.status < 200 || f.status > 599 {
				return badOption("fault status %d outside 200..599", f.status)
			}
		case faultSlow:
			if f.d < 0 {
				return badOption("slow body over %v: negative", f.d)
			}
		case 0:
			return badOption("zero Fault for %q", cc)
		}
		c.faults[strings.ToLower(cc)] = f
		return nil
	}
}

// WithFS serves the flags from fsys (one folder per lower-case code, holding
// cc.gif and metadata.json) instead of the embedded dataset.
func WithFS(fsys fs.FS) Option {
	return func(c *config) error {
		if fsys == nil {
			return badOption("nil file system")
		}
		c.fsys = fsys
		return nil
	}
}

func isLetter(b byte) bool { return 'a' <= b|0x20 && b|0x20 <= 'z' }
