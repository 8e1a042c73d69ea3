// Package atomicfile writes a file so that it is either complete or absent:
// the data goes to a temporary file in the same folder, which is renamed over
// the destination only when every byte is written and synced. On Linux the
// temporary file is an unnamed one (O_TMPFILE), linked in when complete.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write calls fill with a writer to a temporary file beside path and, if fill
// and the write succeed, syncs it and renames it to path with mode perm.
// On any error the temporary file is removed and path is left as it was (a
// previous good file is never replaced by a partial one).
func Write(path string, perm os.FileMode, fill func(w io.Writer) error) error {
	return write(path, perm, fill, true)
}

// WriteNoSync is Write without the fsync before the rename: still complete
// or absent if the process fails or is interrupted, but a power cut may lose
// the newest files. For many small files written at once (a downloader),
// where syncing each serializes on the file system's journal.
func WriteNoSync(path string, perm os.FileMode, fill func(w io.Writer) error) error {
	return write(path, perm, fill, false)
}

// errUnsupported is writeUnnamed's answer where it cannot work.
var errUnsupported = errors.New("atomicfile: unnamed files unsupported here")

// portableOnly makes write skip writeUnnamed, for tests.
var portableOnly bool

func write(path string, perm os.FileMode, fill func(w io.Writer) error, sync bool) error {
	if !portableOnly {
		if err := writeUnnamed(path, perm, fill, sync); err != errUnsupported {
			return err
		}
	}
	return writePortable(path, perm, fill, sync)
}

// writeUnnamed writes through an unnamed file, linked in at path once
// complete (see linkUnnamed). It returns errUnsupported, before calling
// fill, where unnamed files cannot be made.
func writeUnnamed(path string, perm os.FileMode, fill func(w io.Writer) error, sync bool) error {
	f, err := openUnnamed(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer f.Close()
	if err := fillFile(f, path, fill, sync); err != nil {
		return err
	}
	if err := f.Chmod(perm); err != nil {
		return err
	}
	return linkUnnamed(f, path)
}

// writePortable writes to a temporary file beside path and renames it.
func writePortable(path string, perm os.FileMode, fill func(w io.Writer) error, sync bool) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := fillFile(f, path, fill, sync); err != nil {
		return err
	}
	if err := f.Chmod(perm); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

// fillFile writes the data to f, then syncs it if sync.
func fillFile(f *os.File, path string, fill func(w io.Writer) error, sync bool) error {
	if err := fill(f); err != nil {
		return err
	}
	if sync {
		if err := f.Sync(); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	return nil
}

// IsTemp reports whether name is the name of one of Write's temporary files.
func IsTemp(name string) bool {
	base := filepath.Base(name)
	return len(base) > 5 && base[0] == '.' && filepath.Ext(base) == ".tmp"
}
