package pitfallsdemo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/goleak"
)

// The runtime's leak profile calls a goroutine leaked only when it is: when
// it is blocked on a channel, WaitGroup or mutex that no goroutine that can
// still run can reach, so that nothing can ever wake it. The pitfalls keep
// a safety net that can end each of their leaks, so to the runtime they
// are not leaked; and no net can end a leak the runtime has found (waking
// a goroutine it marked leaked is not a thing a program can do). So the
// demo runs the slides' own shapes, without any net, in a child process:
// the same executable, started with leakChildEnv naming the shape. The
// child asks the runtime and goleak, prints what they found as JSON, and
// exits; the end of that process is the end of what leaked.

// leakChildEnv names the shape a child process runs.
const leakChildEnv = "GO_CONCURRENCY_EXAMPLES_LEAK_CHILD"

// LeakChild runs the leak shape a parent asked for, when this process is
// such a child: it writes what the runtime and goleak found to stdout as
// JSON and returns the exit status for the process, and true. In any other
// process it does nothing and returns false. Every program that can run
// the pitfalls calls it before anything else (cli.Main, and the TestMain of
// the test binaries that run them), since the child is that same program.
func LeakChild(stdout io.Writer) (status int, isChild bool) {
	name, ok := os.LookupEnv(leakChildEnv)
	if !ok {
		return 0, false
	}
	for _, s := range leakShapes {
		if s.pitfall == name {
			res, err := s.measure()
			if err == nil {
				err = json.NewEncoder(stdout).Encode(res)
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "leak child %q: %v\n", name, err)
				return 1, true
			}
			return 0, true
		}
	}
	fmt.Fprintf(os.Stderr, "leak child: no shape %q\n", name)
	return 2, true
}

// leakShape is one leaking pitfall as its slide has it, without a net, and
// its fix. Each start func starts the shape's goroutines and returns, as a
// handler would; works is how many doWork calls must have returned before
// the shape has done what it will do.
type leakShape struct {
	pitfall  string // the row of all it belongs to
	bad, fix func()
	works    int64
}

// The child's sizes: small, the shapes' counts are what matter.
const (
	childWorkers  = 5
	childRequests = 5
	childWork     = time.Millisecond
)

var leakShapes = []leakShape{
	{"forgot Done", func() { go forgotDone(childWorkers) }, func() { go forgotDoneFixed(childWorkers) }, childWorkers},
	{"abandoned send", func() { abandon(childRequests, 0) }, func() { abandon(childRequests, 1) }, childRequests},
	{"no exit", noExit, noExitFixed, 1},
}

// worked counts the doWork calls that returned, so the child knows when a
// shape's goroutines have reached what they block on.
var worked atomic.Int64

func doWork() {
	time.Sleep(childWork)
	worked.Add(1)
}

// forgotDone is slide 23's second pitfall as pitfalls.ForgottenDone runs
// it, without the watchdog: the last of n workers forgets wg.Done(), and
// Wait waits forever.
func forgotDone(n int) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			if i == n-1 {
				doWork() // Bad: forgot wg.Done()
				return
			}
			defer wg.Done()
			doWork()
		}()
	}
	wg.Wait() // waits forever
}

func forgotDoneFixed(n int) {
	var wg sync.WaitGroup
	for range n {
		wg.Go(doWork) // Good: Go defers the Done
	}
	wg.Wait()
}

// abandon is pitfalls.AbandonedSend without the net: n requests whose
// client has already left, each handled by the slide-14 handler with a
// result channel of buffer.
func abandon(n, buffer int) {
	left, cancel := context.WithCancel(context.Background())
	cancel() // the clients left
	for range n {
		go func() { _, _ = handle(left, buffer) }()
	}
}

func handle(ctx context.Context, buffer int) (int, error) {
	result := make(chan int, buffer) // Bad when buffer is 0
	go func() { result <- fetch() }()
	select {
	case v := <-result:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err() // nobody reads result now
	}
}

func fetch() int {
	doWork()
	return 42
}

// noExit is slide 23's first pitfall, as pitfalls.NoExit runs it without
// its net.
func noExit() {
	go func() {
		for {
			doWork() // no exit condition
		}
	}()
}

func noExitFixed() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // the caller is done with it: the loop ends
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			default:
				doWork()
			}
		}
	}()
}

// shapeResult is what one child found: for the slide's shape and for its
// fix, what the runtime reports leaked and what goleak finds still alive.
type shapeResult struct {
	Pitfall string  `json:"pitfall"`
	Bad     finding `json:"bad"`
	Fix     finding `json:"fix"`
}

type finding struct {
	Runtime []stackCount `json:"runtime"` // the leak profile's goroutines
	Goleak  []stackCount `json:"goleak"`  // goleak.Find's
}

// stackCount is N goroutines at one place: the first function of this
// module on their stack, and what they wait in.
type stackCount struct {
	N     int    `json:"n"`
	Func  string `json:"func"`
	Where string `json:"where,omitempty"`
}

func (s leakShape) measure() (shapeResult, error) {
	res := shapeResult{Pitfall: s.pitfall}
	var err error
	if res.Bad, err = run(s.pitfall+"/bad", s.bad, s.works); err != nil {
		return res, err
	}
	// The fix's worked calls, on top of any the bad shape still makes.
	if res.Fix, err = run(s.pitfall+"/fix", s.fix, worked.Load()+s.works); err != nil {
		return res, err
	}
	return res, nil
}

// run starts one shape under the pprof label pitfall=label (its goroutines
// inherit it, and the leak profile shows it), waits until it has settled,
// and asks the runtime and goleak.
func run(label string, start func(), works int64) (finding, error) {
	ignore := goleak.IgnoreCurrent() // goleak: only what start adds
	pprof.Do(context.Background(), pprof.Labels("pitfall", label), func(context.Context) { start() })
	if err := settle(works); err != nil {
		return finding{}, fmt.Errorf("%s: %w", label, err)
	}
	var prof bytes.Buffer
	if err := writeLeakProfile(&prof); err != nil {
		return finding{}, err
	}
	f := finding{Runtime: leakedWith(prof.String(), label), Goleak: []stackCount{}}
	if err := goleak.Find(ignore); err != nil {
		f.Goleak = goleakStacks(err.Error())
	}
	return f, nil
}

// settle waits until works doWork calls have returned and then until no
// goroutine but this one is running or runnable: every goroutine of the
// shape has then reached what it blocks or sleeps on. The shapes take a
// millisecond; the deadline is for a machine that is very busy.
func settle(works int64) error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if worked.Load() >= works && othersAsleep() {
			return nil
		}
		time.Sleep(50 * time.Microsecond)
	}
	return fmt.Errorf("the shape's goroutines did not settle in 10s (%d of %d calls done)", worked.Load(), works)
}

// othersAsleep reports whether every goroutine but the caller is blocked
// or sleeping, from the headers of runtime.Stack: "goroutine 7 [chan send]:".
func othersAsleep() bool {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	first := true
	for _, line := range strings.Split(string(buf), "\n") {
		if !strings.HasPrefix(line, "goroutine ") {
			continue
		}
		if first { // the caller's own, always first
			first = false
			continue
		}
		_, state, _ := strings.Cut(line, "[")
		if strings.HasPrefix(state, "running") || strings.HasPrefix(state, "runnable") {
			return false
		}
	}
	return true
}
