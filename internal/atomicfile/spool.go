package atomicfile

import (
	"io"
	"os"
)

// A Spool is a file being written that appears under a name only when it is
// complete: the data goes to an unnamed file in the folder (on Linux) or to a
// temporary one there, and Commit links or renames it into place. For data
// that arrives before its name is known, or whose writing and naming happen
// at different times (a download streamed to disk, saved once checked).
// Close discards a spool not committed. A Spool is not safe for concurrent
// use.
type Spool struct {
	f    *os.File
	tmp  string // the temporary file's name; "" for an unnamed file
	done bool   // committed or discarded
}

// NewSpool starts a spool in dir ("" is the current folder).
func NewSpool(dir string) (*Spool, error) {
	if dir == "" {
		dir = "."
	}
	if !portableOnly {
		if f, err := openUnnamed(dir); err == nil {
			return &Spool{f: f}, nil
		}
	}
	f, err := os.CreateTemp(dir, ".spool.*.tmp")
	if err != nil {
		return nil, err
	}
	return &Spool{f: f, tmp: f.Name()}, nil
}

// Write appends p to the spool.
func (s *Spool) Write(p []byte) (int, error) { return s.f.Write(p) }

// Reset empties the spool, for another attempt at its data.
func (s *Spool) Reset() error {
	if err := s.f.Truncate(0); err != nil {
		return err
	}
	_, err := s.f.Seek(0, io.SeekStart)
	return err
}

// Commit gives the spool's data the name path with mode perm, replacing a
// file there in one step (without fsync: see WriteNoSync), and closes the
// spool. On an error, nothing is at path that was not there before.
func (s *Spool) Commit(path string, perm os.FileMode) (err error) {
	if s.done {
		return os.ErrClosed
	}
	s.done = true
	defer func() {
		if s.tmp != "" && err != nil {
			os.Remove(s.tmp)
		}
	}()
	if err := s.f.Chmod(perm); err != nil {
		s.f.Close()
		return err
	}
	if s.tmp == "" {
		defer s.f.Close()
		return linkUnnamed(s.f, path)
	}
	if err := s.f.Close(); err != nil {
		return err
	}
	return os.Rename(s.tmp, path)
}

// Close discards the spool, unless it was committed (then it does
// nothing): no file is left behind.
func (s *Spool) Close() error {
	if s.done {
		return nil
	}
	s.done = true
	err := s.f.Close()
	if s.tmp != "" {
		os.Remove(s.tmp)
	}
	return err
}
