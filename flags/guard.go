package flags

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
)

// PanicError is the error of a code whose download or save panicked (in
// this package, in the http.Client's transport, or in anything they call).
// The panic is recovered in the goroutine where it happens and the code is
// counted as an Error; Stack is that goroutine's stack at the panic.
type PanicError struct {
	CC    string
	Value any
	Stack []byte
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("panic during the download of %s: %v", e.CC, e.Value)
}

// Unwrap returns the panic value if it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// ErrGoexit is the error of a code whose download called runtime.Goexit
// instead of returning (t.FailNow in a test's transport does).
var ErrGoexit = errors.New("runtime.Goexit called during the download")

// guard runs work, the whole of one code's download, in a goroutine of its
// own and returns its result. A panic in it, or a runtime.Goexit, ends only
// that goroutine and becomes the code's Error with the cause: never the
// process, nor the caller's goroutine, nor a result left out.
func guard(cc string, work func() Result) Result {
	ch := make(chan Result, 1)
	go func() {
		returned := false
		defer func() {
			if returned {
				return
			}
			r := Result{CC: strings.ToUpper(cc), Status: Error, Err: ErrGoexit}
			if v := recover(); v != nil {
				r.Err = &PanicError{CC: r.CC, Value: v, Stack: debug.Stack()}
			}
			ch <- r
		}()
		r := work()
		returned = true
		ch <- r
	}()
	return <-ch
}
