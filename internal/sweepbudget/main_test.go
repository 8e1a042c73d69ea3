package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestScale(t *testing.T) {
	tests := []struct {
		in     string
		counts int
		want   string
	}{
		{"500ms", 4, "500ms"},
		{"500ms", 16, "125ms"},
		{"1s", 8, "500ms"},
		{"20x", 16, "5x"},
		{"2x", 16, "1x"},
		{"20ms", 16, "10ms"},
	}
	for _, tt := range tests {
		got, err := scale(tt.in, tt.counts)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, "%s over %d counts", tt.in, tt.counts)
	}
	for _, bad := range []string{"", "x", "0x", "-1s", "fast"} {
		_, err := scale(bad, 16)
		assert.Error(t, err, bad)
	}
}
