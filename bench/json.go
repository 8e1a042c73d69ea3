package bench

import (
	"encoding/json"
	"io"
	"math"
	"strconv"
)

// JSONSchema names the shape -format json writes; it changes only when a
// field changes meaning or goes.
const JSONSchema = "futuresbench/report/v2"

// Num is a number of the JSON report: null where it cannot be computed
// (NaN, an interval from too few runs) or is infinite.
type Num float64

// MarshalJSON writes the number, or null.
func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// Interval is a median with its 95% confidence interval.
type Interval struct {
	Median Num `json:"median"`
	Lo     Num `json:"lo"`
	Hi     Num `json:"hi"`
}

// JSONReport is the report's model as -format json writes it. Times are in
// seconds per op; shares and factors are plain ratios (0.5, not 50%).
type JSONReport struct {
	Schema  string      `json:"schema"`  // JSONSchema
	Sweeps  []JSONSweep `json:"sweeps"`  // in input order
	LeftOut []string    `json:"leftOut"` // results not computed on, with file and line
}

// JSONSweep is one analysed sweep.
type JSONSweep struct {
	Package  string `json:"package"`
	Name     string `json:"name"`  // the benchmark's name without the sweep key: "Jobs-2"
	Key      string `json:"key"`   // "workers" or "concurrency"
	Procs    int    `json:"procs"` // GOMAXPROCS of the run
	Cores    int    `json:"cores"` // the machine's cores, 0 if the input does not say
	Base     int    `json:"base"`  // the worker count speedups are relative to
	Bound    int    `json:"bound"` // how many workers can run at once
	BestRule string `json:"bestRule"`
	// Limit is what stops the sweep: unknown, cores, lock, waiting, gc,
	// parallelism, work, executor, machine, surplus or slowCore
	// (Limit.String); LimitAt the
	// worker count whose evidence named it; SerialFraction the fitted
	// serial fraction where the limit is parallelism.
	Limit          string      `json:"limit"`
	LimitPhrase    string      `json:"limitPhrase"`
	LimitAt        int         `json:"limitAt"`
	SerialFraction Num         `json:"serialFraction"`
	Diagnosis      string      `json:"diagnosis"`
	Verdict        string      `json:"verdict"`
	Distrust       string      `json:"distrust"` // "" when every point is trusted
	Scaling        JSONScaling `json:"scaling"`
	Finding        JSONFinding `json:"finding"`
	Warnings       []string    `json:"warnings"`
	// Level is the confidence of its intervals (0.95, or more where the
	// run looked at it more than once); Undecided the claims its
	// intervals do not decide, in words (none: settled).
	Level     Num      `json:"level"`
	Undecided []string `json:"undecided"`
	// SlowRounds are the rounds (runs, from 1) that ran on a slower core,
	// left out of every claim (Analysis.Slow); none: [].
	SlowRounds []int       `json:"slowRounds"`
	Failed     []string    `json:"failed"`
	Points     []JSONPoint `json:"points"`
}

// JSONPoint is one worker count of a sweep.
type JSONPoint struct {
	Workers    int      `json:"workers"`
	Benchmark  string   `json:"benchmark"` // its full Go name: "Jobs/workers=2-2"
	Runs       int      `json:"runs"`
	Time       Interval `json:"secPerOp"`
	Speedup    Interval `json:"speedup"`
	Efficiency Num      `json:"efficiency"`
	Best       Num      `json:"bestSecPerOp"` // the best time the workload allows here
	OfBest     Num      `json:"ofBest"`       // best / median
	CPU        Interval `json:"cpuSecPerOp"`
	CPUShare   Num      `json:"cpuShare"`
	Evidence   struct {
		Others Num `json:"othersSecPerOp"`
		Runq   Num `json:"runqSecPerOp"`
		Lock   Num `json:"lockwaitSecPerOp"`
		GC     Num `json:"gcSecPerOp"`
		Sched  Num `json:"schedwaitSecPerOp"`
		Tasks  Num `json:"tasksPerOp"`
	} `json:"evidence"`
	// Shares of the core time the point could use; they add up to 1.
	Shares struct {
		Used    Num `json:"used"`
		Machine Num `json:"machine"`
		Lock    Num `json:"lock"`
		Idle    Num `json:"idle"`
		Surplus Num `json:"surplus"`
	} `json:"shares"`
	// Factors multiply to the speedup (Factors.Product).
	Factors struct {
		Ideal   Num `json:"ideal"`
		Surplus Num `json:"surplus"`
		Machine Num `json:"machine"`
		Lock    Num `json:"lock"`
		Idle    Num `json:"idle"`
		Work    Num `json:"work"`
		WorkLo  Num `json:"workLo"`
		WorkHi  Num `json:"workHi"`
		Product Num `json:"product"`
	} `json:"factors"`
	Disturbed string `json:"disturbed"` // why the point is not to be trusted, in words; "" if it is
	// Disturbances are the same as kinds (busy, lowShare, pastBest) with
	// their numbers.
	Disturbances []JSONDisturbance `json:"disturbances"`
}

// JSONDisturbance is one reason a point is not trusted.
type JSONDisturbance struct {
	Kind     string `json:"kind"`
	Others   Num    `json:"othersShare"`
	Runq     Num    `json:"runqShare"`
	CPUShare Num    `json:"cpuShare"`
	OfBest   Num    `json:"ofBest"`
}

// JSONScaling is how far a sweep scales (Scaling).
type JSONScaling struct {
	Kind      string `json:"kind"` // one, baseDisturbed, tooFew, none, pastCores, scales
	Knee      int    `json:"knee"`
	Top       int    `json:"top"`
	Tail      string `json:"tail"` // none, still, slower, flat
	Beyond    []int  `json:"beyond"`
	Slower    []int  `json:"slower"`
	Intervals bool   `json:"intervals"`
}

// JSONFinding is the limit with its evidence as numbers (Finding).
type JSONFinding struct {
	Limit   string `json:"limit"`
	At      int    `json:"at"`
	Cause   string `json:"cause"` // why unknown: noCPU, busyOrWait, baseSlowed, noLoss; "" otherwise
	Share   Num    `json:"share"`
	Worst   int    `json:"worst"`
	Ratio   Num    `json:"ratio"`
	Lo      Num    `json:"lo"`
	Hi      Num    `json:"hi"`
	Task    Num    `json:"taskSec"`
	PerTask Num    `json:"perTaskSec"`
	Serial  Num    `json:"serial"`
	GC      Num    `json:"gcShare"`
	// Where is the limit's site from the sites pass (null without one).
	Where *JSONWhere `json:"where"`
}

// JSONWhere is the site of a limit (Where).
type JSONWhere struct {
	Kind     string     `json:"kind"` // lock, alloc, growth, beside, serial, longTask, wait
	At       int        `json:"at"`
	Total    Num        `json:"total"`
	Samples  int        `json:"samples"`
	Overrode string     `json:"overrode"` // the limit the counters named, where the profile overrode it; "" if none
	Sites    []JSONSite `json:"sites"`
	Waiters  []JSONSite `json:"waiters"`
}

// JSONSite is one site: the function charged, the user's frame that led
// there, what it waited in, its value per op and its share.
type JSONSite struct {
	Func     string `json:"func"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	User     string `json:"user"`
	UserFile string `json:"userFile"`
	UserLine int    `json:"userLine"`
	Wait     string `json:"wait"`
	Value    Num    `json:"value"`
	Share    Num    `json:"share"`
}

func jsonWhere(w *Where) *JSONWhere {
	if w == nil {
		return nil
	}
	jw := &JSONWhere{Kind: w.Kind.String(), At: w.At, Total: Num(w.Total), Samples: w.Samples, Sites: []JSONSite{}, Waiters: []JSONSite{}}
	if w.Overrode != LimitUnknown {
		jw.Overrode = w.Overrode.String()
	}
	for i, st := range w.Sites {
		jw.Sites = append(jw.Sites, JSONSite{st.Func, st.File, st.Line, st.User, st.UserFile, st.UserLine, st.Wait, Num(st.Value), Num(w.Shares[i])})
	}
	for _, st := range w.Waiters {
		jw.Waiters = append(jw.Waiters, JSONSite{st.Func, st.File, st.Line, st.User, st.UserFile, st.UserLine, st.Wait, Num(st.Value), Num(math.NaN())})
	}
	return jw
}

func orInts(xs []int) []int {
	if xs == nil {
		return []int{}
	}
	return xs
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// NewJSONReport builds the JSON model of the analyses.
func NewJSONReport(as []*Analysis, leftOut []string) JSONReport {
	rep := JSONReport{Schema: JSONSchema, Sweeps: []JSONSweep{}, LeftOut: orEmpty(leftOut)}
	for _, a := range as {
		s := JSONSweep{
			Package: a.Pkg, Name: a.Name, Key: a.Key, Procs: a.Procs, Cores: a.Cores, Base: a.Base, Bound: a.Bound,
			BestRule: a.BestRule(), Limit: a.Limit.String(), LimitPhrase: a.Limit.Phrase(), LimitAt: a.At,
			SerialFraction: Num(a.Serial), Diagnosis: a.Diagnosis(), Verdict: a.Verdict(), Distrust: a.Distrust(),
			Warnings: orEmpty(a.Warnings()), Failed: orEmpty(a.Failed), Points: []JSONPoint{},
			Level: Num(a.Level), Undecided: orEmpty(a.UndecidedWords()), SlowRounds: []int{},
		}
		for _, r := range a.Slow {
			s.SlowRounds = append(s.SlowRounds, r.Run)
		}
		sc, f := a.Scaling, a.Finding
		s.Scaling = JSONScaling{Kind: sc.Kind.String(), Knee: sc.Knee, Top: sc.Top, Tail: sc.Tail.String(),
			Beyond: orInts(sc.Beyond), Slower: orInts(sc.Slower), Intervals: sc.Intervals}
		s.Finding = JSONFinding{Limit: f.Limit.String(), At: f.At, Cause: f.Cause.String(), Share: Num(f.Share), Worst: f.Worst,
			Ratio: Num(f.Ratio), Lo: Num(f.Lo), Hi: Num(f.Hi), Task: Num(f.Task), PerTask: Num(f.PerTask), Serial: Num(f.Serial), GC: Num(f.GC), Where: jsonWhere(f.Where)}
		for i, r := range a.Rows {
			p := JSONPoint{Workers: r.X, Benchmark: a.Points[i].Name, Runs: r.Runs,
				Time:       Interval{Num(r.Median), Num(r.Lo), Num(r.Hi)},
				Speedup:    Interval{Num(r.Speedup), Num(r.SpeedupLo), Num(r.SpeedupHi)},
				Efficiency: Num(r.Efficiency), Best: Num(r.Best), OfBest: Num(r.OfBest),
				CPU:      Interval{Num(r.CPU), Num(r.CPULo), Num(r.CPUHi)},
				CPUShare: Num(r.CPUShare), Disturbed: a.disturbedWords(r), Disturbances: []JSONDisturbance{},
			}
			for _, d := range r.Disturbed {
				nan := Num(math.NaN())
				jd := JSONDisturbance{Kind: d.Kind.String(), Others: nan, Runq: nan, CPUShare: nan, OfBest: nan}
				switch d.Kind {
				case DisturbBusy:
					jd.Others, jd.Runq = Num(d.Others), Num(d.Runq)
				case DisturbLowShare:
					jd.CPUShare = Num(d.CPUShare)
				case DisturbPastBest:
					jd.OfBest = Num(d.OfBest)
				}
				p.Disturbances = append(p.Disturbances, jd)
			}
			e := r.Evidence
			p.Evidence.Others, p.Evidence.Runq, p.Evidence.Lock = Num(e.Others), Num(e.Runq), Num(e.Lock)
			p.Evidence.GC, p.Evidence.Sched, p.Evidence.Tasks = Num(e.GC), Num(e.Sched), Num(e.Tasks)
			sh := r.Shares
			p.Shares.Used, p.Shares.Machine, p.Shares.Lock = Num(sh.Used), Num(sh.Machine), Num(sh.Lock)
			p.Shares.Idle, p.Shares.Surplus = Num(sh.Idle), Num(sh.Surplus)
			f := r.Factors
			p.Factors.Ideal, p.Factors.Surplus, p.Factors.Machine = Num(f.Ideal), Num(f.Surplus), Num(f.Machine)
			p.Factors.Lock, p.Factors.Idle, p.Factors.Work = Num(f.Lock), Num(f.Idle), Num(f.Work)
			p.Factors.WorkLo, p.Factors.WorkHi, p.Factors.Product = Num(f.WorkLo), Num(f.WorkHi), Num(f.Product())
			s.Points = append(s.Points, p)
		}
		rep.Sweeps = append(rep.Sweeps, s)
	}
	return rep
}

// WriteJSON writes the JSON model of the analyses, indented.
func WriteJSON(w io.Writer, as []*Analysis, leftOut []string) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(NewJSONReport(as, leftOut))
}
