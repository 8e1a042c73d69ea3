//go:build !race

package sweep

const raceOn = false
