//go:build linux

package atomicfile

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// procFD reports whether /proc/self/fd is there, through which an unnamed
// file is given a name.
var procFD = sync.OnceValue(func() bool {
	_, err := os.Stat("/proc/self/fd")
	return err == nil
})

// openUnnamed opens an unnamed file (open(2)'s O_TMPFILE) in dir for
// writing. It returns errUnsupported if the file system or the system
// cannot do it (or dir cannot be opened: the portable way then says why).
func openUnnamed(dir string) (*os.File, error) {
	if !procFD() {
		return nil, errUnsupported
	}
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, errUnsupported
	}
	return os.NewFile(uintptr(fd), dir), nil
}

// linkUnnamed gives f, opened by openUnnamed, the name path. Where path is
// new, that is one directory entry made, as a plain create does: no
// temporary name to create and rename away, and nothing at all left behind
// if the process dies, since an unnamed file vanishes with its last
// descriptor. Where path exists, the file is linked under a temporary name
// and renamed over it.
func linkUnnamed(f *os.File, path string) error {
	proc := "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
	err := unix.Linkat(unix.AT_FDCWD, proc, unix.AT_FDCWD, path, unix.AT_SYMLINK_FOLLOW)
	if !errors.Is(err, unix.EEXIST) {
		return pathErr("link", path, err)
	}
	// path exists: replace it in one step.
	dir, base := filepath.Split(path)
	for range 10 {
		tmp := filepath.Join(dir, "."+base+"."+strconv.FormatUint(rand.Uint64()%1e10, 10)+".tmp")
		err = unix.Linkat(unix.AT_FDCWD, proc, unix.AT_FDCWD, tmp, unix.AT_SYMLINK_FOLLOW)
		if errors.Is(err, unix.EEXIST) {
			continue
		}
		if err != nil {
			return pathErr("link", tmp, err)
		}
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return err
		}
		return nil
	}
	return pathErr("link", path, err)
}

func pathErr(op, path string, err error) error {
	if err == nil {
		return nil
	}
	return &os.PathError{Op: op, Path: path, Err: err}
}
