package flagserver

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// The front: how a Server reads its connections.
//
// net/http spends about as much CPU on a request as the kernel spends moving
// a 27 KB flag over loopback, which kept a plain http.Server at 0.6x nginx's
// request rate. So a Server reads each connection itself first. A request
// that is plain (GET or HEAD, HTTP/1.1, keep-alive, no body, a plain path
// whose code has no fault) it answers as Handler.ServeHTTP would: the same
// delay and error drawn, then the bytes net/http would have sent for the
// file, the error or the 404, headers and body in one writev. At the first
// request that is anything else it hands the connection, with every byte it
// has buffered, to the http.Server, which then owns it to the end. The
// front never answers what it does not fully understand; FuzzFront checks
// it against net/http byte for byte.

// frontBufSize is the front's read buffer: a request whose header does not
// fit goes to net/http (which takes up to 1 MB).
const frontBufSize = 4096

// Timeouts of a Server's connections, in the front and in net/http
// (variables for the tests).
var (
	// readHeaderTimeout runs from a request's first byte to its end, and,
	// for a connection's first request, from the connection's start: a
	// connection that never sends a byte is closed after it, as net/http
	// closes one.
	readHeaderTimeout = 10 * time.Second
	idleTimeout       = 2 * time.Minute // between two requests
	// writeTimeout bounds the writing of one answer: a client that does
	// not read cannot hold a connection (or a shutdown) longer.
	writeTimeout = 10 * time.Second
)

// plainAnswer is an answer the front sends: the bytes net/http writes for
// the handler's answer, but for the Date value.
type plainAnswer struct {
	status int
	head   []byte // status line and headers up to "Date: "
	body   []byte
}

// frontAnswers is what the front may answer for a handler.
type frontAnswers struct {
	files       map[string]plainAnswer // by path
	notFound    plainAnswer
	failure     plainAnswer // the error rate's answer
	unavailable plainAnswer // 503, Connection: close: stopped during a delay
}

// buildAnswers makes the front's answers for h, from what the handler
// itself writes for each decision (Handler.write); nil if the front must
// leave every request to net/http (an error status without a standard text).
func buildAnswers(h *Handler) *frontAnswers {
	if http.StatusText(h.cfg.errorStatus) == "" {
		return nil
	}
	a := &frontAnswers{
		files:       make(map[string]plainAnswer, len(h.files)),
		notFound:    recordAnswer(h, decision{status: http.StatusNotFound}),
		failure:     recordAnswer(h, decision{status: h.cfg.errorStatus}),
		unavailable: recordAnswer(h, h.unavailable()),
	}
	for p, f := range h.files {
		a.files[p] = recordAnswer(h, decision{status: http.StatusOK, file: &f})
	}
	return a
}

// recordAnswer is what net/http sends for h.write(d), but for the Date
// value: the status line, the headers in net/http's (sorted) order with
// Date, which net/http adds, last among them, and the body.
func recordAnswer(h *Handler, d decision) plainAnswer {
	rec := &recorder{header: http.Header{}}
	h.write(rec, false, d)
	var head bytes.Buffer
	fmt.Fprintf(&head, "HTTP/1.1 %03d %s\r\n", rec.status, http.StatusText(rec.status))
	rec.header.Write(&head) // sorted by key, as net/http writes them
	head.WriteString("Date: ")
	return plainAnswer{rec.status, head.Bytes(), rec.body.Bytes()}
}

// recorder is the http.ResponseWriter that recordAnswer reads back.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }

// isPlainTarget reports whether a request target is a path that net/http
// passes on as it is (URL.Path == target): no escapes, query or fragment.
func isPlainTarget(b []byte) bool {
	for _, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '/' || c == '.' || c == '-' || c == '_' || c == '~') {
			return false
		}
	}
	return len(b) > 0 && b[0] == '/'
}

// parseState is what parsePlain found in the bytes read so far.
type parseState int

const (
	needMore parseState = iota // no verdict yet: read on
	plain                      // a plain request, answered by the front
	notPlain                   // hand the connection to net/http
)

// parsePlain looks at the start of b, the bytes read so far. When they hold
// a whole plain request it returns plain, the request's length, its target
// and whether it is a HEAD. It returns notPlain as soon as a complete line
// shows that the request is not plain, and needMore while no line has.
func parsePlain(b []byte) (state parseState, n int, target []byte, head bool) {
	eol := bytes.IndexByte(b, '\n')
	if eol < 0 {
		return needMore, 0, nil, false
	}
	line, ok := crlfLine(b[:eol+1])
	if !ok {
		return notPlain, 0, nil, false
	}
	switch {
	case bytes.HasPrefix(line, []byte("GET ")):
		target = line[4:]
	case bytes.HasPrefix(line, []byte("HEAD ")):
		target, head = line[5:], true
	default:
		return notPlain, 0, nil, false
	}
	target, ok = bytes.CutSuffix(target, []byte(" HTTP/1.1"))
	if !ok || len(target) == 0 || target[0] != '/' || bytes.IndexByte(target, ' ') >= 0 {
		return notPlain, 0, nil, false
	}
	hosts := 0
	for n = eol + 1; ; {
		eol = bytes.IndexByte(b[n:], '\n')
		if eol < 0 {
			return needMore, 0, nil, false
		}
		line, ok := crlfLine(b[n : n+eol+1])
		n += eol + 1
		if !ok {
			return notPlain, 0, nil, false
		}
		if len(line) == 0 { // the end of the header
			if hosts != 1 {
				return notPlain, 0, nil, false
			}
			return plain, n, target, head
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || !isToken(name) || !isFieldValue(value) {
			return notPlain, 0, nil, false
		}
		value = bytes.Trim(value, " \t")
		switch {
		case asciiEqualFold(name, "Host"):
			hosts++
			if !isPlainHost(value) {
				return notPlain, 0, nil, false
			}
		case asciiEqualFold(name, "Connection"):
			if !asciiEqualFold(value, "keep-alive") {
				return notPlain, 0, nil, false
			}
		case asciiEqualFold(name, "Content-Length"), asciiEqualFold(name, "Transfer-Encoding"),
			asciiEqualFold(name, "Expect"), asciiEqualFold(name, "Upgrade"):
			return notPlain, 0, nil, false
		}
	}
}

// crlfLine returns the line l (which ends in '\n') without its CRLF; ok is
// false if it does not end in CRLF or holds another CR.
func crlfLine(l []byte) (line []byte, ok bool) {
	line, ok = bytes.CutSuffix(l, []byte("\r\n"))
	return line, ok && bytes.IndexByte(line, '\r') < 0
}

// isToken reports whether b is a non-empty RFC 9110 token (a field name).
func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), c) >= 0) {
			return false
		}
	}
	return true
}

// isFieldValue reports whether b has no control character but tab.
func isFieldValue(b []byte) bool {
	for _, c := range b {
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// isPlainHost reports whether a Host value is a non-empty name or address
// with an optional port, in the few bytes every client uses.
func isPlainHost(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == ':' || c == '[' || c == ']') {
			return false
		}
	}
	return true
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		if b[i]|0x20 != s[i]|0x20 {
			return false
		}
	}
	return true
}

// frontConn is a connection the front reads.
type frontConn struct {
	s    *Server
	conn net.Conn
	br   *bufio.Reader

	// Reused by every answer: the headers, the writev's buffers, and the
	// Date value of second dateS.
	head  []byte
	bufs  [2][]byte
	iov   net.Buffers
	date  []byte
	dateS int64
}

// serve answers the connection's plain requests until it ends, or hands it
// to net/http.
func (c *frontConn) serve() {
	defer c.s.frontWG.Done()
	handedOff := false
	defer func() {
		c.s.untrack(c.conn)
		if !handedOff {
			c.conn.Close()
		}
	}()
	started := time.Now() // when the current request's first byte came (the first: the connection)
	served := 0
	for {
		state, n, target, head := parsePlain(peekBuffered(c.br))
		if served > 0 && c.br.Buffered() < 4 {
			// net/http reads the next request of a connection once it has 4
			// bytes of it (or EOF): so does the front, to answer the same.
			state = needMore
		}
		switch state {
		case plain:
			if !c.s.frontServes(target) {
				break // net/http answers
			}
			c.br.Discard(n)
			if err := c.respond(target, head); err != nil || c.s.closing.Load() {
				return
			}
			served++
			started = time.Time{}
			continue
		case needMore:
			if c.br.Buffered() == frontBufSize {
				break // a header too long for the front
			}
			if c.s.closing.Load() {
				return
			}
			if c.br.Buffered() == 0 && served > 0 {
				started = time.Time{}
				c.conn.SetReadDeadline(time.Now().Add(idleTimeout))
			} else {
				if started.IsZero() {
					started = time.Now()
				}
				c.conn.SetReadDeadline(started.Add(readHeaderTimeout))
			}
			if c.s.closing.Load() { // after the deadline: Shutdown's deadline stands
				return
			}
			_, err := c.br.Peek(c.br.Buffered() + 1)
			if err == nil {
				continue
			}
			var ne net.Error
			if c.br.Buffered() == 0 || errors.As(err, &ne) && ne.Timeout() || c.s.closing.Load() {
				return // the client left, or was too slow, or the server closes
			}
			if served > 0 && c.br.Buffered() < 4 {
				return // net/http's Peek(4) between two requests fails silently too
			}
			// The client ended its side within a request: net/http answers
			// what it makes of it.
		}
		// Not plain: net/http takes the connection and what was read of it.
		c.conn.SetReadDeadline(time.Time{})
		handedOff = c.s.handoff.push(&handedConn{Conn: c.conn, r: c.br})
		return
	}
}

// frontServes reports whether the front answers a plain request for
// target: a plain path whose code has no fault.
func (s *Server) frontServes(target []byte) bool {
	if s.answers == nil || !isPlainTarget(target) {
		return false
	}
	if len(s.Handler.cfg.faults) > 0 {
		if _, faulty := s.Handler.cfg.faults[codeOf(string(target))]; faulty {
			return false
		}
	}
	return true
}

// errGone ends a connection whose client left during a delay.
var errGone = errors.New("flagserver: client gone or server closed")

// respond answers a plain request as Handler.ServeHTTP does: after the
// delay, with the error status, the file or 404.
func (c *frontConn) respond(target []byte, head bool) error {
	h := c.s.Handler
	h.inFlight.Add(1)
	defer h.inFlight.Add(-1)
	p := string(target)
	d := h.decide(p)
	if !c.wait(d.delay) {
		if !h.closed() {
			h.count(p, 0)
			return errGone
		}
		// Stopped during the delay: a real answer, never silence.
		h.count(p, http.StatusServiceUnavailable)
		c.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
		c.writeAnswer(c.s.answers.unavailable, head)
		return errGone
	}
	a := c.s.answers.files[p]
	switch {
	case d.file == nil && d.status == http.StatusNotFound:
		a = c.s.answers.notFound
	case d.file == nil:
		a = c.s.answers.failure
	}
	h.count(p, d.status)
	c.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	return c.writeAnswer(a, head)
}

// writeAnswer sends a with the current Date, headers and body in one writev
// (the headers alone for a HEAD).
func (c *frontConn) writeAnswer(a plainAnswer, head bool) error {
	now := time.Now()
	if s := now.Unix(); s != c.dateS || c.date == nil {
		c.date, c.dateS = now.UTC().AppendFormat(c.date[:0], http.TimeFormat), s
	}
	c.head = append(append(append(c.head[:0], a.head...), c.date...), "\r\n\r\n"...)
	c.bufs[0], c.bufs[1] = c.head, a.body
	c.iov = c.bufs[:2]
	if head {
		c.iov = c.bufs[:1]
	}
	_, err := c.iov.WriteTo(c.conn)
	return err
}

// wait waits d before an answer, as Handler.wait does: it reports false if
// the handler is closed, or the client leaves (net/http cancels a request
// whose connection ends while its handler runs). While nothing more has
// come on the connection it waits by reading, with d as the deadline, which
// is how it sees the client leave; once bytes of a next request have come,
// net/http reads no further until the answer, and the front waits on a timer.
func (c *frontConn) wait(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	done := c.s.Handler.done
	deadline := time.Now().Add(d)
	for {
		select {
		case <-done:
			return false
		default:
		}
		left := time.Until(deadline)
		if left <= 0 {
			return true
		}
		if c.br.Buffered() > 0 {
			t := time.NewTimer(left)
			defer t.Stop()
			select {
			case <-t.C:
				return true
			case <-done:
				return false
			}
		}
		// Shutdown's wake-up (a deadline of now) ends the Peek early: the
		// loop waits on, unless the handler was closed.
		c.conn.SetReadDeadline(deadline)
		if _, err := c.br.Peek(1); err != nil {
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				return false
			}
		}
	}
}

// peekBuffered returns the bytes buffered in br, without reading.
func peekBuffered(br *bufio.Reader) []byte {
	b, _ := br.Peek(br.Buffered())
	return b
}

// handedConn is a connection handed to net/http: it reads first what the
// front had buffered.
type handedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *handedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// SetLinger lets the ResetMidBody fault close the connection with a RST.
func (c *handedConn) SetLinger(sec int) error {
	if l, ok := c.Conn.(interface{ SetLinger(int) error }); ok {
		return l.SetLinger(sec)
	}
	return errors.ErrUnsupported
}

// handoffListener is the listener of the Server's http.Server: it accepts
// the connections the front hands over.
type handoffListener struct {
	addr      net.Addr
	conns     chan net.Conn
	pushed    atomic.Int64 // connections handed over, for tests
	closeOnce sync.Once
	closed    chan struct{}
}

func newHandoffListener(addr net.Addr) *handoffListener {
	return &handoffListener{addr: addr, conns: make(chan net.Conn), closed: make(chan struct{})}
}

// push gives c to net/http; it reports false (and c is not taken) once the
// http.Server has shut down.
func (l *handoffListener) push(c net.Conn) bool {
	select {
	case l.conns <- c:
		l.pushed.Add(1)
		return true
	case <-l.closed:
		return false
	}
}

func (l *handoffListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *handoffListener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return nil
}

func (l *handoffListener) Addr() net.Addr { return l.addr }

// The Server's connection bookkeeping, for Shutdown.

func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

// liveConns returns the number of connections the front reads, for tests.
func (s *Server) liveConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

func (s *Server) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// wakeFront makes every front connection waiting for bytes give up now (one
// writing an answer ends after it); with force, closes them all.
func (s *Server) wakeFront(force bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		if force {
			c.Close()
		} else {
			c.SetReadDeadline(time.Now())
		}
	}
}

// acceptLoop accepts connections for the front until the listener closes.
func (s *Server) acceptLoop() {
	defer s.frontWG.Done()
	defer close(s.errc)
	var backoff time.Duration
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			if s.closing.Load() {
				return
			}
			if ne, ok := err.(interface{ Temporary() bool }); ok && ne.Temporary() { // as net/http does
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				time.Sleep(backoff)
				continue
			}
			s.errc <- err
			return
		}
		backoff = 0
		if !s.track(conn) {
			conn.Close()
			return
		}
		s.frontWG.Add(1)
		c := &frontConn{s: s, conn: conn, br: bufio.NewReaderSize(conn, frontBufSize)}
		go c.serve()
	}
}
