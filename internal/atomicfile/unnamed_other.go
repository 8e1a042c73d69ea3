//go:build !linux

package atomicfile

import (
	"io"
	"os"
)

func writeUnnamed(string, os.FileMode, func(io.Writer) error, bool) error { return errUnsupported }
