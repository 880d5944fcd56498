package pitfallsdemo

import (
	"regexp"
	"strconv"
	"strings"
)

// Reading the two answers. The leak profile is read in pprof's text form
// (debug=1), which needs no profile decoder:
//
//	goroutineleak profile: total 1
//	1 @ 0x47fb4e 0x461352 ...
//	# labels: {"pitfall":"forgot Done/bad"}
//	#	0x480c8d	sync.runtime_SemacquireWaitGroup+0x2d	.../sema.go:114
//	#	0x48b4e4	sync.(*WaitGroup).Wait+0x84		.../waitgroup.go:206
//	#	0x4dfebe	.../internal/pitfallsdemo.forgotDone+0x3e	.../leakchild.go:105
//
// goleak's is the error goleak.Find returns, one goroutine at a time:
//
//	[Goroutine 7 in state chan send, with .../pitfallsdemo.handle.func1 on top of the stack:
//	.../pitfallsdemo.handle.func1()
//		.../leakchild.go:140 +0x3c
//	created by ...

const thisModule = "github.com/go-concurrency-at-scale/go-concurrency-examples/"

var (
	profileEntry = regexp.MustCompile(`^(\d+) @ `)
	profileLabel = regexp.MustCompile(`"pitfall":"([^"]*)"`)
	profileFrame = regexp.MustCompile(`^#\s+0x[0-9a-f]+\s+(\S+)\+0x[0-9a-f]+\s`)
	goleakHeader = regexp.MustCompile(`Goroutine \d+ in state ([^,]+), with (\S+) on top of the stack:`)
)

// leakedWith returns the leak profile's entries whose goroutines carry the
// label pitfall=label, merged by place.
func leakedWith(profile, label string) []stackCount {
	out := []stackCount{}
	var n int
	var lbl string
	var frames []string
	flush := func() {
		if n > 0 && lbl == label {
			out = addCount(out, stackCount{N: n, Func: ours(frames), Where: blockedIn(frames)})
		}
		n, lbl, frames = 0, "", nil
	}
	for _, line := range strings.Split(profile, "\n") {
		switch m := profileEntry.FindStringSubmatch(line); {
		case m != nil:
			flush()
			n, _ = strconv.Atoi(m[1])
		case strings.HasPrefix(line, "# labels:"):
			if l := profileLabel.FindStringSubmatch(line); l != nil {
				lbl = l[1]
			}
		default:
			if f := profileFrame.FindStringSubmatch(line); f != nil {
				frames = append(frames, f[1])
			}
		}
	}
	flush()
	return out
}

// goleakStacks reads goleak.Find's error: one stackCount per goroutine,
// merged by place; Where is goleak's name for the goroutine's state.
func goleakStacks(msg string) []stackCount {
	out := []stackCount{}
	for _, g := range strings.Split(msg, "Goroutine ")[1:] {
		g = "Goroutine " + g
		m := goleakHeader.FindStringSubmatch(g)
		if m == nil {
			continue
		}
		var frames []string
		for _, line := range strings.Split(g, "\n")[1:] {
			if line == "" || strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "created by ") {
				continue
			}
			if i := strings.LastIndex(line, "("); i > 0 {
				frames = append(frames, line[:i])
			}
		}
		if len(frames) == 0 {
			frames = []string{m[2]}
		}
		out = addCount(out, stackCount{N: 1, Func: ours(frames), Where: m[1]})
	}
	return out
}

// ours is the goroutine's own function in this module, the last of the
// module's frames (the deepest in its stack): "pitfallsdemo.forgotDone".
// Without one, it is the top frame.
func ours(frames []string) string {
	for i := len(frames) - 1; i >= 0; i-- {
		if strings.HasPrefix(frames[i], thisModule) {
			return short(frames[i])
		}
	}
	if len(frames) > 0 {
		return short(frames[0])
	}
	return "?"
}

// blockedIn is the call of the standard library the goroutine waits in,
// the frame just above the module's first ("sync.(*WaitGroup).Wait"), or
// "" when the module's frame is the top (a channel operation: the runtime
// leaves its own frames out).
func blockedIn(frames []string) string {
	for i, f := range frames {
		if strings.HasPrefix(f, thisModule) {
			if i > 0 {
				return short(frames[i-1])
			}
			return ""
		}
	}
	return ""
}

func short(fn string) string {
	if i := strings.LastIndex(fn, "/"); i >= 0 {
		return fn[i+1:]
	}
	return fn
}

func addCount(cs []stackCount, c stackCount) []stackCount {
	for i := range cs {
		if cs[i].Func == c.Func && cs[i].Where == c.Where {
			cs[i].N += c.N
			return cs
		}
	}
	return append(cs, c)
}

func total(cs []stackCount) int {
	n := 0
	for _, c := range cs {
		n += c.N
	}
	return n
}
