// Package plural writes a noun in the number a count asks for: the one
// place this module does, for the report's words and the flag downloads'.
package plural

import "strconv"

// Of returns the noun for n of it: one if n is 1 (or -1), else many.
func Of(n int, one, many string) string {
	if n == 1 || n == -1 {
		return one
	}
	return many
}

// Count returns n and its noun: "1 flag", "3 flags".
func Count(n int, one, many string) string {
	return strconv.Itoa(n) + " " + Of(n, one, many)
}
