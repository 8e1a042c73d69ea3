package flags

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// ErrNotFound is the error of a 404 answer.
var ErrNotFound = errors.New("not found")

// ErrBodyTooLarge is the error for a body over the Downloader's MaxBody.
var ErrBodyTooLarge = errors.New("body over the size cap")

// ErrNotGIF is the error for a flag whose body is not a GIF image: empty,
// an HTML page, anything without the GIF87a or GIF89a signature.
var ErrNotGIF = errors.New("not a GIF image")

// ErrInvalidCode is the error for a code that is not two ASCII letters
// (Run and One check, whatever the caller did: a code is part of a path).
var ErrInvalidCode = errors.New("not a country code (two ASCII letters)")

// ErrNameTaken is the error, with Metadata, for a flag whose country name
// is that of a flag another code of the same Run saved: the first keeps
// the file, the second is an error rather than an overwrite.
var ErrNameTaken = errors.New("file name taken by another code")

// MetadataError is the failure of a flag's metadata.json, with Metadata:
// the flag is not saved, and the code is an Error (even when the metadata
// was 404: the flag itself was found).
type MetadataError struct{ Err error }

func (e *MetadataError) Error() string { return "metadata: " + e.Err.Error() }
func (e *MetadataError) Unwrap() error { return e.Err }

// StatusError is an answer with a status other than 200 and 404.
type StatusError struct {
	Code   int
	Status string // the reason phrase
}

func (e *StatusError) Error() string {
	reason := e.Status
	if reason == "" {
		reason = http.StatusText(e.Code)
	}
	return fmt.Sprintf("HTTP %d - %s", e.Code, reason)
}

// TimeoutError is a request that took longer than the per-request timeout.
type TimeoutError struct{ After time.Duration }

func (e *TimeoutError) Error() string {
	return "timeout after " + strconv.FormatFloat(e.After.Seconds(), 'f', -1, 64) + "s"
}

// Timeout reports true, so that a TimeoutError is a net.Error-style timeout.
func (e *TimeoutError) Timeout() bool { return true }
