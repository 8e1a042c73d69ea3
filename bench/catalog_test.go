package bench_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/futuresbench/futures/bench"
	"github.com/futuresbench/futures/sweep"
)

// pt is one point of a synthetic sweep on 2 cores: its time and CPU per
// op and its evidence (seconds), and the sites of its pass (nil: none).
type pt struct {
	op, cpu, lock, gc, runq, others, tasks float64
	sites                                  *sweep.Sites
}

// synth is a sweep of workers=1 and workers=2 on 2 cores, 6 runs each
// (jittered by 0.2%, so that the intervals are narrow), with the sites of
// each point after its results, as package sweep writes them.
func synth(p1, p2 pt) string {
	var in strings.Builder
	in.WriteString("cores: 2\npkg: example.com/m\n")
	line := func(x int, p pt, j float64) {
		fmt.Fprintf(&in, "BenchmarkW/workers=%d-2 10 %.0f ns/op %g cpu-sec/op %g runq-sec/op %g others-sec/op %g lockwait-sec/op %g gc-sec/op", x, p.op*1e9*j, p.cpu*j, p.runq*j, p.others*j, p.lock*j, p.gc*j)
		if p.tasks > 0 {
			fmt.Fprintf(&in, " %g tasks/op", p.tasks)
		}
		in.WriteString("\n")
	}
	for i := range 6 {
		j := 1 + 0.002*float64(i)
		line(1, p1, j)
		line(2, p2, j)
	}
	for x, p := range []pt{p1, p2} {
		if p.sites != nil {
			fmt.Fprintln(&in, p.sites.Encode(fmt.Sprintf("BenchmarkW/workers=%d-2", x+1)))
		}
	}
	return in.String()
}

func analyze(t *testing.T, in string) *bench.Analysis {
	t.Helper()
	d, err := bench.Read(bench.Input{Name: "in", Data: []byte(in)})
	require.NoError(t, err)
	as := bench.Analyze(d)
	require.Len(t, as, 1)
	return as[0]
}

// callPath is a call path of frames given as "func file:line".
func callPath(frames ...string) []sweep.Frame {
	var out []sweep.Frame
	for _, f := range frames {
		fn, at, _ := strings.Cut(f, " ")
		file, line, _ := strings.Cut(at, ":")
		n := 0
		fmt.Sscan(line, &n)
		out = append(out, sweep.Frame{Func: fn, File: file, Line: n})
	}
	return out
}

// idle is a point at workers=2 of a 12 ms op (8 ms at 2 workers: 1.5x,
// 4 ms of idle core time an op, CPU flat) whose trace split the idle core
// time as given.
func idle(split *sweep.Idle) (pt, pt) {
	split.Procs, split.Span, split.Ops = 2, 0.008, 20
	if split.Total == 0 {
		split.Total = 0.004
	}
	base := pt{op: 0.012, cpu: 0.012, sites: &sweep.Sites{Ops: 10, CPUTotal: 0.012}}
	return base, pt{op: 0.008, cpu: 0.012, sites: &sweep.Sites{Ops: 20, CPUTotal: 0.012, Idle: split}}
}

const (
	closure  = "example.com/m.BenchmarkW.func1.1"
	userFile = "m_test.go"
)

// catalogCases is one synthetic case per entry of the catalog: the
// evidence that should name it, and what the report must then say.
var catalogCases = map[bench.PatternID][]struct {
	name     string
	p1, p2   pt
	limit    bench.Limit
	kind     bench.WhereKind
	contains []string // in the diagnosis
	not      []string // never in it
}{
	bench.PatternWaiting: {
		{name: "the work sleeps at the base", limit: bench.LimitWaiting, kind: bench.WhereWait,
			p1: pt{op: 0.010, cpu: 0.001, sites: &sweep.Sites{Ops: 10, Waits: []sweep.Site{{Func: "example.com/m.callRemote", Wait: "sleep", Kind: "sleep", Value: 0.009,
				Path: callPath(closure+" m_test.go:40", "example.com/m.callRemote m_test.go:12", "time.Sleep")}}}},
			p2:       pt{op: 0.005, cpu: 0.001},
			contains: []string{"waiting (IO, sleep, channels)", "m.callRemote (m_test.go:12)"}},
		{name: "workers wait in a WaitGroup at the point", limit: bench.LimitParallelism, kind: bench.WhereWait,
			contains: []string{"waiting, 75% of the idle core time at workers=2", "sync.(*WaitGroup).Wait"}},
	},
	bench.PatternLock: {
		{name: "the counters", limit: bench.LimitLock, kind: bench.WhereLock,
			p1:       pt{op: 0.010, cpu: 0.010},
			p2:       pt{op: 0.009, cpu: 0.010, lock: 0.004, sites: &sweep.Sites{Ops: 10, Mutex: []sweep.Site{{Func: "example.com/m.(*ledger).post", File: userFile, Line: 57, Value: 0.004}}}},
			contains: []string{"goroutines waited on locks for 44%", "m.(*ledger).post (m_test.go:57)"}},
		{name: "woken by Unlock, waiting to run: the counter reads little", limit: bench.LimitLock, kind: bench.WhereLock,
			contains: []string{"92% of the idle core time", "after the Unlock in m.BenchmarkW.func1.1 (m_test.go:30) → golang-lru/v2.(*Cache[...]).Add (lru.go:80) → sync.(*Mutex).Unlock 70%",
				"blocked at m.BenchmarkW.func1.1 (m_test.go:27) → golang-lru/v2.(*Cache[...]).Get (lru.go:92) → sync.(*Mutex).Lock 22%",
				"76% of it is goroutines woken by an Unlock that waited to be scheduled"},
			not: []string{"one long task", "procyield"}},
		{name: "the collector named first, the trace shows the lock", limit: bench.LimitLock, kind: bench.WhereLock,
			contains: []string{"92% of the idle core time", "which read the garbage collector"}},
		{name: "a convoy of tiny tasks: the lock, not the executor", limit: bench.LimitLock, kind: bench.WhereLock,
			contains: []string{"92% of the idle core time", "which read the executor's own cost per task"}},
		{name: "spinning", limit: bench.LimitLock, kind: bench.WhereSpin,
			contains: []string{"a lock, spinning", "CPU per op rose 1.50x", "go-cache.(*cache).Set", "m.BenchmarkW.func1.1 (m_test.go:98)", "sync.(*RWMutex).Lock"},
			not:      []string{"procyieldAsm", "more CPU per op:"}},
		{name: "spinning, from before LockCPU: the runtime's spin function counts as the lock", limit: bench.LimitLock, kind: bench.WhereSpin,
			contains: []string{"a lock, spinning", "runtime.procyieldAsm"}, not: []string{"more CPU per op:"}},
	},
	bench.PatternCores: {
		{name: "CPU-bound", limit: bench.LimitCores, p1: pt{op: 0.010, cpu: 0.010}, p2: pt{op: 0.005, cpu: 0.010},
			contains: []string{"the cores: CPU-bound on 2 cores"}},
	},
	bench.PatternExecutor: {
		{name: "tiny tasks", limit: bench.LimitExecutor, p1: pt{op: 0.001, cpu: 0.001, tasks: 10000}, p2: pt{op: 0.0009, cpu: 0.0018, tasks: 10000},
			contains: []string{"the executor's own cost per task"}},
	},
	bench.PatternGC: {
		{name: "the collector", limit: bench.LimitGC, kind: bench.WhereAlloc,
			p1: pt{op: 0.010, cpu: 0.010, gc: 0.003},
			p2: pt{op: 0.008, cpu: 0.012, gc: 0.004, sites: &sweep.Sites{Ops: 10, Alloc: []sweep.Site{{Func: "example.com/m.buildRecords", Value: 8 << 20,
				Path: callPath(closure+" m_test.go:20", "example.com/m.buildRecords m_test.go:115")}}}},
			contains: []string{"the garbage collector", "m.buildRecords"}},
	},
	bench.PatternBeside: {
		{name: "a library's goroutines", limit: bench.LimitSurplus, kind: bench.WhereBeside,
			p1: pt{op: 0.010, cpu: 0.018, sites: &sweep.Sites{Ops: 10, Samples: 100, Roots: []sweep.Site{
				{Func: "github.com/dgraph-io/ristretto/v2.(*Cache[...]).processItems", File: "cache.go", Line: 557, Value: 0.008},
				{Func: "example.com/m.worker", User: "example.com/m.worker", Value: 0.010}}}},
			p2:       pt{op: 0.009, cpu: 0.018},
			contains: []string{"work beside the workers", "ristretto/v2.(*Cache[...]).processItems (cache.go:557)"}},
	},
	bench.PatternGrowth: {
		{name: "a shared counter", limit: bench.LimitWork, kind: bench.WhereGrowth,
			p1:       pt{op: 0.010, cpu: 0.010, sites: &sweep.Sites{Ops: 100, Samples: 100, CPUTotal: 0.010, CPU: []sweep.Site{{Func: "example.com/m.bounce", Value: 0.010, Path: callPath(closure+" m_test.go:189", "example.com/m.bounce m_test.go:29")}}}},
			p2:       pt{op: 0.0075, cpu: 0.015, sites: &sweep.Sites{Ops: 100, Samples: 150, CPUTotal: 0.015, CPU: []sweep.Site{{Func: "example.com/m.bounce", Value: 0.015, Path: callPath(closure+" m_test.go:189", "example.com/m.bounce m_test.go:29")}}}},
			contains: []string{"more CPU per op: 1.50x", "m.BenchmarkW.func1.1 (m_test.go:189) → m.bounce"}, not: []string{"a lock"}},
		{name: "half of it spun on a lock, within the noise", limit: bench.LimitWork, kind: bench.WhereGrowth,
			p1:       pt{op: 0.010, cpu: 0.010, sites: &sweep.Sites{Ops: 2, Samples: 2, CPUTotal: 0.010, LockCPUTotal: 0.001, CPU: []sweep.Site{{Func: "example.com/m.work", Value: 0.009}}}},
			p2:       pt{op: 0.0075, cpu: 0.015, sites: &sweep.Sites{Ops: 2, Samples: 3, CPUTotal: 0.015, LockCPUTotal: 0.0038, CPU: []sweep.Site{{Func: "example.com/m.work", Value: 0.0112}}}},
			contains: []string{"too few for any one's growth to stand out", "56% of what grew was in a mutex's spin and wake paths", "not beyond the noise"}, not: []string{"a lock, spinning"}},
	},
	bench.PatternIdle: {
		{name: "no part holds half", limit: bench.LimitParallelism, kind: bench.WhereUndecided,
			contains: []string{"no part holds half", "cannot decide", "a serial part 30%", "one long task 30%", "the lock 20%"}},
		{name: "a tail the machine may have made", limit: bench.LimitParallelism, kind: bench.WhereUndecided,
			contains: []string{"one long task 75%", "(one long task at m.compressFile (m_test.go:162) → compress/gzip.(*Writer).Write)", "other processes took 1.5", "cannot decide"},
			not:      []string{"where: one long task"}},
		{name: "a serial part from before the split, the machine may have made it", limit: bench.LimitParallelism, kind: bench.WhereUndecided,
			p1: pt{op: 0.012, cpu: 0.012, sites: &sweep.Sites{Ops: 10}},
			p2: pt{op: 0.008, cpu: 0.012, runq: 0.0012, others: 0.0012, sites: &sweep.Sites{Ops: 20, RunTotal: 0.012, RunSerial: 0.002,
				Serial: []sweep.Site{{Func: "example.com/m.loadIndex", Value: 0.002}}, SerialCPU: 0.002}},
			contains: []string{"ran alone for 71% of the idle core time", "other processes took 1.2", "cannot decide"}, not: []string{"where: a serial part"}},
		{name: "a file from before the split: one long task is never the default", limit: bench.LimitParallelism, kind: bench.WhereUndecided,
			contains: []string{"too little for a serial part", "cannot decide"}, not: []string{"one long task:"}},
	},
	bench.PatternSerial: {
		{name: "results encoded after the parallel part", limit: bench.LimitParallelism, kind: bench.WhereSerial,
			contains: []string{"a serial part, 82% of the idle core time at workers=2", "m.summarize (m_test.go:210) → encoding/json.Marshal"}, not: []string{"one long task"}},
		{name: "a serial step of 14% of the op", limit: bench.LimitParallelism, kind: bench.WhereSerial,
			contains: []string{"a serial part, 57% of the idle core time"}, not: []string{"where: one long task"}},
	},
	bench.PatternLongTask: {
		{name: "the tail", limit: bench.LimitParallelism, kind: bench.WhereLongTask,
			contains: []string{"one long task, 75% of the idle core time at workers=2", "m.compressFile (m_test.go:162) → compress/gzip.(*Writer).Write"}},
	},
	bench.PatternChannels: {
		{name: "a slow consumer", limit: bench.LimitParallelism, kind: bench.WhereChannels,
			contains: []string{"blocking on channels, 70% of the idle core time", "chan send", "m.BenchmarkW.func1.1 (m_test.go:70) → m.produce"}},
	},
	bench.PatternMachine: {
		{name: "a busy machine, and a lock's sites", limit: bench.LimitMachine,
			p1:       pt{op: 0.010, cpu: 0.010},
			p2:       pt{op: 0.008, cpu: 0.010, runq: 0.006, others: 0.006, lock: 0.002, sites: &sweep.Sites{Ops: 10, Mutex: []sweep.Site{{Func: "example.com/m.(*ledger).post", Value: 0.002}}}},
			contains: []string{"a busy machine"}, not: []string{"ledger"}},
	},
}

func init() {
	c := catalogCases
	set := func(id bench.PatternID, i int, split *sweep.Idle) {
		c[id][i].p1, c[id][i].p2 = idle(split)
	}
	lockWoken := sweep.Site{Func: "github.com/hashicorp/golang-lru/v2.(*Cache[...]).Add", Wait: "sync.(*Mutex).Unlock", Kind: "lock", Value: 0.0028,
		Path: callPath(closure+" m_test.go:30", "github.com/hashicorp/golang-lru/v2.(*Cache[...]).Add lru.go:80", "sync.(*Mutex).Unlock")}
	lockBlocked := sweep.Site{Func: "github.com/hashicorp/golang-lru/v2.(*Cache[...]).Get", Wait: "sync.(*Mutex).Lock", Kind: "lock", Value: 0.0009,
		Path: callPath(closure+" m_test.go:27", "github.com/hashicorp/golang-lru/v2.(*Cache[...]).Get lru.go:92", "sync.(*Mutex).Lock")}
	set(bench.PatternLock, 1, &sweep.Idle{Runnable: []sweep.Site{lockWoken}, RunnableTotal: 0.0028, Blocked: []sweep.Site{lockBlocked}, BlockedTotal: 0.0009, Other: 0.0003})
	// The same split, for tiny tasks: 20,000 an op of 600 ns.
	set(bench.PatternLock, 3, &sweep.Idle{Runnable: []sweep.Site{lockWoken}, RunnableTotal: 0.0028, Blocked: []sweep.Site{lockBlocked}, BlockedTotal: 0.0009, Other: 0.0003})
	c[bench.PatternLock][3].p1.tasks, c[bench.PatternLock][3].p2.tasks = 20000, 20000
	// The same split, where the collector took 20% of the CPU at the base.
	set(bench.PatternLock, 2, &sweep.Idle{Runnable: []sweep.Site{lockWoken}, RunnableTotal: 0.0028, Blocked: []sweep.Site{lockBlocked}, BlockedTotal: 0.0009, Other: 0.0003})
	c[bench.PatternLock][2].p1.gc, c[bench.PatternLock][2].p2.gc = 0.0024, 0.0024
	set(bench.PatternWaiting, 1, &sweep.Idle{Blocked: []sweep.Site{{Func: "example.com/m.gather", Wait: "sync.(*WaitGroup).Wait", Kind: "waitgroup", Value: 0.003,
		Path: callPath(closure+" m_test.go:50", "example.com/m.gather m_test.go:61")}}, BlockedTotal: 0.003, Other: 0.001})
	set(bench.PatternIdle, 0, &sweep.Idle{Serial: 0.0012, Tail: 0.0012, Blocked: []sweep.Site{{Func: "example.com/m.post", Wait: "sync.(*Mutex).Lock", Kind: "lock", Value: 0.0008}}, BlockedTotal: 0.0008, Other: 0.0008})
	summarize := sweep.Site{Func: "encoding/json.Marshal", Value: 0.0033, Path: callPath("example.com/m.summarize m_test.go:210", "encoding/json.Marshal encode.go:1")}
	set(bench.PatternSerial, 0, &sweep.Idle{Serial: 0.0033, SerialSites: []sweep.Site{summarize}, Other: 0.0007})
	// 14% of the op: 1.4 ms of a 10 ms op at 2 workers ran alone, and
	// the rest of the idle core time is the trace's edges.
	c[bench.PatternSerial][1].p1 = pt{op: 0.0172, cpu: 0.0172, sites: &sweep.Sites{Ops: 10, CPUTotal: 0.0172}}
	c[bench.PatternSerial][1].p2 = pt{op: 0.010, cpu: 0.0172, sites: &sweep.Sites{Ops: 20, CPUTotal: 0.0172, Idle: &sweep.Idle{Procs: 2, Span: 0.010, Total: 0.0028, Serial: 0.0016, Other: 0.0002, Tail: 0.0003,
		Blocked: []sweep.Site{{Func: "example.com/m.post", Wait: "sync.(*Mutex).Lock", Kind: "lock", Value: 0.0007}}, BlockedTotal: 0.0007,
		SerialSites: []sweep.Site{{Func: "encoding/json.Marshal", Value: 0.0016, Path: summarize.Path}}}}}
	set(bench.PatternLongTask, 0, &sweep.Idle{Tail: 0.003, TailSites: []sweep.Site{{Func: "example.com/m.compressFile", Value: 0.003,
		Path: callPath("example.com/m.compressFile m_test.go:162", "compress/gzip.(*Writer).Write gzip.go:1")}}, Serial: 0.0002, Other: 0.0008})
	set(bench.PatternChannels, 0, &sweep.Idle{Blocked: []sweep.Site{{Func: "example.com/m.produce", Wait: "chan send", Kind: "chan", Value: 0.0028,
		Path: callPath(closure+" m_test.go:70", "example.com/m.produce m_test.go:77")}}, BlockedTotal: 0.0028, Other: 0.0012})
	// Spinning: the CPU per op grew 1.5x, 80% of it in the lock's spin
	// and wake paths, taken in go-cache's Set.
	spinBase := &sweep.Sites{Ops: 100, Samples: 100, CPUTotal: 0.010, CPU: []sweep.Site{{Func: "github.com/patrickmn/go-cache.(*cache).Set", Value: 0.010}}}
	c[bench.PatternLock][4].p1 = pt{op: 0.010, cpu: 0.010, sites: spinBase}
	c[bench.PatternLock][4].p2 = pt{op: 0.0075, cpu: 0.015, sites: &sweep.Sites{Ops: 100, Samples: 150, CPUTotal: 0.015, LockCPUTotal: 0.004,
		CPU: []sweep.Site{{Func: "github.com/patrickmn/go-cache.(*cache).Set", Value: 0.011}},
		LockCPU: []sweep.Site{{Func: "github.com/patrickmn/go-cache.(*cache).Set", Wait: "sync.(*RWMutex).Lock", Kind: "lock", Value: 0.004,
			Path: callPath(closure+" m_test.go:98", "github.com/patrickmn/go-cache.(*cache).Set cache.go:52")}}}}
	// The same, recorded before LockCPU: the spin function is in CPU.
	c[bench.PatternLock][5].p1 = pt{op: 0.010, cpu: 0.010, sites: spinBase}
	c[bench.PatternLock][5].p2 = pt{op: 0.0075, cpu: 0.015, sites: &sweep.Sites{Ops: 100, Samples: 150, CPUTotal: 0.015,
		CPU: []sweep.Site{{Func: "github.com/patrickmn/go-cache.(*cache).Set", Value: 0.011},
			{Func: "runtime.procyieldAsm", User: closure, UserFile: userFile, UserLine: 98, Value: 0.004}}}}
	// The tail of the long task's case, while other processes took 1.5 ms
	// of core time an op (9% of it: the point is trusted).
	c[bench.PatternIdle][1].p1, c[bench.PatternIdle][1].p2 = c[bench.PatternLongTask][0].p1, c[bench.PatternLongTask][0].p2
	c[bench.PatternIdle][1].p2.runq, c[bench.PatternIdle][1].p2.others = 0.0015, 0.0015
	// A file from before the split: only the benchmark's goroutine's
	// running time, 2% of the idle core time.
	c[bench.PatternIdle][3].p1 = pt{op: 0.012, cpu: 0.012, sites: &sweep.Sites{Ops: 10}}
	c[bench.PatternIdle][3].p2 = pt{op: 0.008, cpu: 0.012, sites: &sweep.Sites{Ops: 20, RunTotal: 0.012, RunSerial: 0.0001,
		CPU: []sweep.Site{{Func: "example.com/m.compressFile", User: "example.com/m.compressFile", Value: 0.012}}}}
}

// TestCatalog: every entry of the catalog is documented, and named on
// synthetic evidence that shows it, with its site; nothing else is.
func TestCatalog(t *testing.T) {
	for _, p := range bench.Catalog {
		assert.NotEmpty(t, p.Name, p.ID)
		for _, doc := range []string{p.Definition, p.Evidence, p.Threshold, p.Share, p.Site} {
			assert.NotEmpty(t, doc, "%s: each entry documents its definition, evidence, threshold, share and site", p.Name)
		}
		assert.NotEmpty(t, catalogCases[p.ID], "%s: each entry is tested", p.Name)
		assert.Equal(t, p.Name, bench.PatternOf(p.ID).Name)
	}
	for id, cases := range catalogCases {
		for _, tt := range cases {
			t.Run(id.String()+"/"+tt.name, func(t *testing.T) {
				a := analyze(t, synth(tt.p1, tt.p2))
				d := a.Diagnosis()
				require.Equal(t, tt.limit, a.Limit, d)
				assert.Equal(t, id, a.Pattern, d)
				if tt.kind == bench.WhereNone {
					assert.Nil(t, a.Where, d)
				} else {
					require.NotNil(t, a.Where, d)
					assert.Equal(t, tt.kind, a.Where.Kind, d)
				}
				for _, s := range tt.contains {
					assert.Contains(t, d, s)
				}
				for _, s := range tt.not {
					assert.NotContains(t, d, s)
				}
				assert.NotContains(t, d, "on by default, would", "the pass ran")
			})
		}
	}
}

// TestPassNotRun: where the sites pass ran at some points of a sweep but
// not at the one the verdict reads, the report says it did not run there,
// never that it would.
func TestPassNotRun(t *testing.T) {
	p1 := pt{op: 0.012, cpu: 0.012, sites: &sweep.Sites{Ops: 10, CPUTotal: 0.012}}
	p2 := pt{op: 0.008, cpu: 0.012}
	a := analyze(t, synth(p1, p2))
	require.Equal(t, bench.LimitParallelism, a.Limit)
	d := a.Diagnosis()
	assert.Contains(t, d, "did not run at workers=2 (it ran at workers=1)")
	assert.NotContains(t, d, "would")
}

// TestLossAccounts: the speedup lost at the point is split among the
// factors below 1 by their logs, which add up to the loss, and the idle
// cores' share among the parts of the trace's idle split.
func TestLossAccounts(t *testing.T) {
	p1, p2 := idle(&sweep.Idle{Serial: 0.0033, Other: 0.0007})
	p2.cpu, p2.op = 0.0132, 0.0088 // CPU per op 1.1x, and idle
	a := analyze(t, synth(p1, p2))
	r := a.Row(2)
	lost := -(logf(r.Factors.Idle) + logf(r.Factors.Work))
	want := map[bench.PatternID]float64{
		bench.PatternSerial: -logf(r.Factors.Idle) / lost * 0.0033 / 0.004,
		bench.PatternIdle:   -logf(r.Factors.Idle) / lost * 0.0007 / 0.004,
		bench.PatternGrowth: -logf(r.Factors.Work) / lost,
	}
	require.Len(t, a.Accounts, len(want), a.Diagnosis())
	sum := 0.0
	for i, ac := range a.Accounts {
		assert.InDelta(t, want[ac.Pattern], ac.Share, 1e-9, ac.Pattern)
		if i > 0 {
			assert.LessOrEqual(t, ac.Share, a.Accounts[i-1].Share, "largest first")
		}
		sum += ac.Share
	}
	assert.InDelta(t, 1, sum, 1e-9)
	assert.Contains(t, a.Diagnosis(), "of the speedup lost at workers=2 (1.36x of 2.00x): a serial part 62%")
}

func logf(x float64) float64 { return math.Log(x) }

// TestCatalogSlowCore: rounds on a slower core that leave too few runs
// (issue 36's run, rebuilt by slowcore.py) are the catalog's machine
// pattern, decided before any pattern of the work, with no site blamed.
func TestCatalogSlowCore(t *testing.T) {
	d, err := load(t, "slowcore_make_bench_looks.txt.gz")
	require.NoError(t, err)
	n := 0
	for _, a := range bench.Analyze(d) {
		if a.Limit != bench.LimitSlowCore {
			continue
		}
		n++
		assert.Equal(t, bench.PatternMachine, a.Pattern, a.Title())
		assert.Nil(t, a.Where, "no site is blamed for the machine: %s", a.Title())
	}
	assert.Equal(t, 2, n, "both primes sweeps")
}

// TestShortNames: a site's function is written without its import path's
// directories, a major version with its module's name, the standard
// library's whole, and a generic instantiation's shapes as "[...]".
func TestShortNames(t *testing.T) {
	for in, want := range map[string]string{
		"github.com/hashicorp/golang-lru/v2.(*Cache[go.shape.int,go.shape.int]).Add": "golang-lru/v2.(*Cache[...]).Add",
		"encoding/json.Marshal": "encoding/json.Marshal",
		"github.com/futuresbench/futures/pool.(*collectRun[go.shape.int,go.shape.uint64]).work": "pool.(*collectRun[...]).work",
		"example.com/m.summarize":                         "m.summarize",
		"main.main":                                       "main.main",
		"myapp/internal/x.F":                              "myapp/internal/x.F",
		"example.com/m.F[go.shape.[]uint8].func1":         "m.F[...].func1",
		"evil\nverdict: x\r<script>a(1)</script>\x1b[2J|": "evil\nverdict: x\r<script>a(1)</script>\x1b[2J|",
	} {
		assert.Equal(t, want, bench.ShortFunc(in), in)
	}
}

// TestPassSkippedSaysWhy: a point the pass did not run at, whose line
// says why (ops 0, skipped), is said so with its reason.
func TestPassSkippedSaysWhy(t *testing.T) {
	p1 := pt{op: 0.012, cpu: 0.012, sites: &sweep.Sites{Ops: 10, CPUTotal: 0.012}}
	why := "not run: one op (48ms) is longer than what is left of the passes' budget (16ms of 30ms: 5% of the sweep's 600ms)"
	p2 := pt{op: 0.008, cpu: 0.012, sites: &sweep.Sites{Skipped: []string{why}}}
	a := analyze(t, synth(p1, p2))
	require.Equal(t, bench.LimitParallelism, a.Limit)
	d := a.Diagnosis()
	assert.Contains(t, d, "did not run at workers=2 ("+why+")")
	assert.NotContains(t, d, "would")
	assert.Nil(t, a.Where)
}

// TestAccountsGuarded: a tail the machine may have made is not counted as
// one long task in the accounts of the lost speedup: it stays idle cores.
func TestAccountsGuarded(t *testing.T) {
	tt := catalogCases[bench.PatternIdle][1]
	a := analyze(t, synth(tt.p1, tt.p2))
	require.Equal(t, bench.WhereUndecided, a.Where.Kind, a.Diagnosis())
	require.NotEmpty(t, a.Accounts)
	for _, ac := range a.Accounts {
		assert.NotEqual(t, bench.PatternLongTask, ac.Pattern, a.Diagnosis())
	}
	lt := catalogCases[bench.PatternLongTask][0]
	a = analyze(t, synth(lt.p1, lt.p2))
	require.Equal(t, bench.WhereLongTask, a.Where.Kind, a.Diagnosis())
	assert.Equal(t, bench.PatternLongTask, a.Accounts[0].Pattern, "on a quiet machine, the tail is counted")
}

// TestDisturbedKnee: where the point at the cores was disturbed and the
// base is the only trusted point at or below them, the limit is read at
// the nearest trusted point above the base, never at the base, which runs
// nothing in parallel ("the cores: one at a time" on 2 cores).
func TestDisturbedKnee(t *testing.T) {
	var in strings.Builder
	in.WriteString("cores: 2\npkg: example.com/m\n")
	for i := range 6 {
		j := 1 + 0.002*float64(i)
		fmt.Fprintf(&in, "BenchmarkW/workers=1-2 10 %.0f ns/op %g cpu-sec/op 0 runq-sec/op 0 others-sec/op 0 lockwait-sec/op 0 gc-sec/op\n", 10e6*j, 0.010*j)
		fmt.Fprintf(&in, "BenchmarkW/workers=2-2 10 %.0f ns/op %g cpu-sec/op 0.008 runq-sec/op 0.008 others-sec/op 0 lockwait-sec/op 0 gc-sec/op\n", 9e6*j, 0.010*j)
		fmt.Fprintf(&in, "BenchmarkW/workers=4-2 10 %.0f ns/op %g cpu-sec/op 0 runq-sec/op 0 others-sec/op 0 lockwait-sec/op 0 gc-sec/op\n", 6.67e6*j, 0.010*j)
	}
	a := analyze(t, in.String())
	require.NotEmpty(t, a.Row(2).Disturbed)
	assert.Equal(t, 4, a.At, a.Verdict())
	assert.Equal(t, bench.LimitParallelism, a.Limit, a.Verdict())
	assert.NotContains(t, a.Verdict(), "one at a time")
}

// TestBesideLeavesTheWorkersOut: samples of the executor's worker loop
// between tasks (no user frame, in a function the workers start in and run
// the user's code from) are the workers', not work beside them. Seen on
// logrus swept with nothing set: "beside the worker ... goroutines that
// started in pool.(*collectRun[...]).work 100%".
func TestBesideLeavesTheWorkersOut(t *testing.T) {
	pool := "github.com/futuresbench/futures/pool.(*collectRun[...]).work"
	roots := []sweep.Site{
		{Func: pool, User: "example.com/m.BenchmarkW.func1.1", Value: 0.010},
		{Func: pool, File: "collect.go", Line: 78, Value: 0.001},
	}
	a := analyze(t, synth(pt{op: 0.010, cpu: 0.018, sites: &sweep.Sites{Ops: 10, Samples: 100, Roots: roots}}, pt{op: 0.009, cpu: 0.018}))
	assert.NotContains(t, a.Diagnosis(), "collectRun", "the executor's worker loop is no goroutine beside the workers")
	// A library's own goroutine beside them is still named.
	roots = append(roots, sweep.Site{Func: "github.com/dgraph-io/ristretto/v2.(*Cache[...]).processItems", File: "cache.go", Line: 557, Value: 0.008})
	a = analyze(t, synth(pt{op: 0.010, cpu: 0.018, sites: &sweep.Sites{Ops: 10, Samples: 100, Roots: roots}}, pt{op: 0.009, cpu: 0.018}))
	assert.Contains(t, a.Diagnosis(), "ristretto/v2.(*Cache[...]).processItems (cache.go:557)")
	assert.NotContains(t, a.Diagnosis(), "collectRun")
}
