package sweep

import "testing"

// TestOthersBusy: /proc/stat's ticks of 10 ms, each kind truncated, count
// only beyond their resolution: a few ms of window never make a busy
// machine; a machine busy beyond it still shows.
func TestOthersBusy(t *testing.T) {
	tests := []struct {
		name   string
		t0, t1 busyTicks
		cpu    float64
		want   float64
	}{
		// 5 ms window, the process ran 3 ms: user moved by 1 tick, system
		// by 1: 20 ms read, all within the two ticks of truncation.
		{"short window", busyTicks{100, 0, 50}, busyTicks{101, 0, 51}, 0.003, 0},
		// 1 s, the process used 1 s of 2 cores, the rest of the machine
		// 0.5 s: 150 ticks of user, two kinds moved.
		{"busy", busyTicks{1000, 0, 500}, busyTicks{1140, 0, 510}, 1.0, 1.5 - 1.0 - 0.02},
		// The process's exact time above the truncated reading: none.
		{"process only", busyTicks{1000}, busyTicks{1099}, 0.999, 0},
		{"nothing moved", busyTicks{7, 7}, busyTicks{7, 7}, 0, 0},
	}
	for _, tt := range tests {
		if got := othersBusy(tt.t0, tt.t1, tt.cpu); got < tt.want-1e-9 || got > tt.want+1e-9 {
			t.Errorf("%s: othersBusy = %v, want %v", tt.name, got, tt.want)
		}
	}
}
