package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/futuresbench/futures/flags"
)

// codeSet is which codes the command downloads when it is not given codes.
type codeSet int

const (
	fromArgs  codeSet = iota // the arguments, or POP20 if there are none
	allCodes                 // the dataset's 194 codes (-a)
	everyCode                // AA..ZZ (-e)
)

// expandCodes turns command-line arguments into the sorted, de-duplicated
// list of codes, as flags2_common does: every (AA..ZZ) wins over all (the
// dataset's codes), which wins over the arguments; an argument of one letter
// stands for the 26 codes that begin with it; no codes at all means POP20.
// limit > 0 keeps the first limit codes.
func expandCodes(args []string, set codeSet, limit int) ([]string, error) {
	codes := map[string]bool{}
	add := func(ccs []string) {
		for _, cc := range ccs {
			codes[cc] = true
		}
	}
	switch set {
	case everyCode:
		add(flags.EveryCode())
	case allCodes:
		add(flags.AllCodes())
	default:
		for _, arg := range args {
			cc := strings.ToUpper(arg)
			switch {
			case len(cc) == 1 && isUpper(cc[0]):
				for b := byte('A'); b <= 'Z'; b++ {
					codes[cc+string(b)] = true
				}
			case len(cc) == 2 && isUpper(cc[0]) && isUpper(cc[1]):
				codes[cc] = true
			default:
				return nil, fmt.Errorf("each CC argument must be A to Z or AA to ZZ: %q", arg)
			}
		}
	}
	if len(codes) == 0 {
		add(flags.POP20())
	}
	out := make([]string, 0, len(codes))
	for cc := range codes {
		out = append(out, cc)
	}
	slices.Sort(out)
	if limit > 0 && limit < len(out) {
		out = out[:limit]
	}
	return out, nil
}

func isUpper(b byte) bool { return 'A' <= b && b <= 'Z' }
