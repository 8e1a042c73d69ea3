//go:build !linux

package atomicfile

import "os"

func openUnnamed(string) (*os.File, error) { return nil, errUnsupported }

func linkUnnamed(*os.File, string) error { return errUnsupported }
