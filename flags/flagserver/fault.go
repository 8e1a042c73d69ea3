package flagserver

import (
	"io"
	"net/http"
	"strconv"
	"time"
)

type faultKind int

const (
	faultStatus faultKind = iota + 1
	faultHang
	faultReset
	faultShort
	faultSlow
	faultRedirect
	faultEndless
	faultEmpty
	faultHTML
)

// A Fault is how the server misbehaves for one country code (see WithFault).
type Fault struct {
	kind   faultKind
	status int
	d      time.Duration
}

// Status answers every request for the code with the given status.
func Status(code int) Fault { return Fault{kind: faultStatus, status: code} }

// Hang never answers: the request waits until the client gives up or the
// server closes.
func Hang() Fault { return Fault{kind: faultHang} }

// ResetMidBody sends the headers and half the body, then resets the
// connection (TCP RST).
func ResetMidBody() Fault { return Fault{kind: faultReset} }

// ShortBody declares the full Content-Length but sends half the body and
// closes the connection.
func ShortBody() Fault { return Fault{kind: faultShort} }

// SlowBody trickles the body in 10 pieces spread over d.
func SlowBody(d time.Duration) Fault { return Fault{kind: faultSlow, d: d} }

// Redirect answers 302 Found with the location of the real file.
func Redirect() Fault { return Fault{kind: faultRedirect} }

// EndlessBody answers 200 with a body that starts like a GIF and never
// ends (no Content-Length), until the client leaves or the server closes.
func EndlessBody() Fault { return Fault{kind: faultEndless} }

// EmptyBody answers 200 with an empty body.
func EmptyBody() Fault { return Fault{kind: faultEmpty} }

// HTMLPage answers 200 with an HTML page, as a captive portal or a
// misconfigured server does.
func HTMLPage() Fault { return Fault{kind: faultHTML} }

func (f Fault) String() string {
	switch f.kind {
	case faultStatus:
		return "status " + strconv.Itoa(f.status)
	case faultHang:
		return "hang"
	case faultReset:
		return "reset mid-body"
	case faultShort:
		return "short body"
	case faultSlow:
		return "slow body over " + f.d.String()
	case faultRedirect:
		return "redirect"
	case faultEndless:
		return "endless body"
	case faultEmpty:
		return "empty body"
	case faultHTML:
		return "HTML page"
	}
	return "no fault"
}

// fault answers a request for a code with a fault: one switch, a case
// per kind.
func (h *Handler) fault(w http.ResponseWriter, r *http.Request, f Fault) {
	p := r.URL.Path
	switch f.kind {
	case faultStatus:
		h.answer(w, r, f.status)
	case faultHang:
		h.wait(r, 1<<62) // until the client or the server gives up
		h.count(p, 0)
	case faultRedirect:
		w.Header().Set("Location", p+"?redirected=1")
		h.answer(w, r, http.StatusFound)
	case faultEmpty:
		h.fixedBody(w, r, "", "")
	case faultHTML:
		h.fixedBody(w, r, "<!DOCTYPE html>\n<html><body><h1>Welcome to nginx!</h1></body></html>\n", "text/html")
	case faultEndless:
		h.endlessBody(w, r)
	case faultShort:
		// Returning with less than Content-Length written makes net/http
		// close the connection: the client sees an unexpected EOF.
		if body, ok := h.fileBody(w, r); ok {
			w.Write(body[:len(body)/2])
		}
	case faultReset:
		if body, ok := h.fileBody(w, r); ok {
			h.reset(w, body[:len(body)/2])
		}
	case faultSlow:
		if body, ok := h.fileBody(w, r); ok {
			h.slowBody(w, r, body, f.d)
		}
	}
}

// fileBody sends the headers of the requested file and returns its body
// to write, unless the request is a HEAD or names no file.
func (h *Handler) fileBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	file, ok := h.serveHeader(w, r)
	if !ok || r.Method == http.MethodHead {
		return nil, false
	}
	return file.body, true
}

// fixedBody answers 200 with body instead of the file.
func (h *Handler) fixedBody(w http.ResponseWriter, r *http.Request, body, contentType string) {
	if contentType != "" {
		w.Header().Set("Content-Type", contentType)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, body)
	h.count(r.URL.Path, http.StatusOK)
}

// endlessBody answers a GIF header followed by zeros until the client or
// the server gives up.
func (h *Handler) endlessBody(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "image/gif")
	w.WriteHeader(http.StatusOK)
	h.count(r.URL.Path, http.StatusOK)
	if _, err := io.WriteString(w, "GIF89a"); err != nil {
		return
	}
	zeros := make([]byte, 32<<10)
	for {
		if _, err := w.Write(zeros); err != nil {
			return
		}
		select {
		case <-r.Context().Done():
			return
		case <-h.done:
			return
		default:
		}
	}
}

// reset writes part, then closes the connection with RST, not FIN.
func (h *Handler) reset(w http.ResponseWriter, part []byte) {
	w.Write(part)
	rc := http.NewResponseController(w)
	rc.Flush()
	conn, _, err := rc.Hijack()
	if err != nil {
		return
	}
	if l, ok := conn.(interface{ SetLinger(int) error }); ok {
		l.SetLinger(0)
	}
	conn.Close()
}

// slowBody writes body in ten pieces over d.
func (h *Handler) slowBody(w http.ResponseWriter, r *http.Request, body []byte, d time.Duration) {
	const pieces = 10
	rc := http.NewResponseController(w)
	step := (len(body) + pieces - 1) / pieces
	for len(body) > 0 {
		n := min(step, len(body))
		if _, err := w.Write(body[:n]); err != nil {
			return
		}
		rc.Flush()
		body = body[n:]
		if len(body) > 0 && !h.wait(r, d/pieces) {
			return
		}
	}
}
