package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/fanoutdemo"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/hibernationdemo"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/pitfallsdemo"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/ratelimitdemo"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/shutdowndemo"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/ssedemo"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/workerpooldemo"
)

// pattern is one entry of the demo: a pattern package and how to run it.
type pattern struct {
	name   string
	slides string
	about  string
	run    func(context.Context, report.Env) error
	check  func() error // validates the pattern's own flags; may be nil
	serves bool         // understands --serve
	extra  bool         // runs only when named, not in the full run
	flags  []string     // the names of its own flags
	// estimate is how long run takes with these settings, computed from
	// the inputs before anything runs; nil for a pattern too short to
	// matter.
	estimate func(report.Env) time.Duration
	// sockets is how many connections the pattern holds open at once with
	// these settings, each a descriptor at both ends on loopback; nil for
	// a pattern with a handful.
	sockets func(report.Env) int
}

// registry lists the patterns in slide order and binds their own flags to
// fs. An explicit list, not init(): the order is the talk's.
//
// A pattern's options are bound here, before parsing; its run and check
// closures read them after, so they must not copy them early.
func registry(fs *flag.FlagSet) []pattern {
	var fo fanoutdemo.Options
	foFlags := bound(fs, fo.Bind)
	var rl ratelimitdemo.Options
	rlFlags := bound(fs, rl.Bind)
	return []pattern{
		{name: "workerpool", slides: "3, 5-7", about: "CI triggers 100 CD pipelines: unbounded, batches, pool, window",
			run: workerpooldemo.Run, estimate: workerpooldemo.Estimate},
		{name: "fanout", slides: "8-10", about: "status fetch: WaitGroup vs errgroup; testing 50 clusters at once",
			run:      func(ctx context.Context, env report.Env) error { return fanoutdemo.Run(ctx, env, fo) },
			estimate: fanoutdemo.Estimate,
			check:    func() error { return fo.Validate() }, flags: foFlags},
		{name: "ratelimit", slides: "11-13", about: "100 manifests from a throttling API server; token bucket",
			run:      func(ctx context.Context, env report.Env) error { return ratelimitdemo.Run(ctx, env, rl) },
			estimate: func(env report.Env) time.Duration { return ratelimitdemo.Estimate(env, rl) },
			check:    func() error { return rl.Validate() }, flags: rlFlags, serves: true},
		{name: "shutdown", slides: "14-15, 23", about: "client disconnect, graceful drain, WithoutCancel, a leak",
			run: shutdowndemo.Run, serves: true, estimate: shutdowndemo.Estimate,
			sockets: func(env report.Env) int { return env.ItemsOr(shutdowndemo.DrainRequests) + shutdowndemo.NewRequests }},
		{name: "sse", slides: "16-17", about: "SSE broker: a slow client is evicted, not waited for",
			run: ssedemo.Run, serves: true, estimate: ssedemo.Estimate,
			sockets: func(env report.Env) int { return env.ItemsOr(ssedemo.Clients) }},
		{name: "hibernation", slides: "18-20", about: "100 resources in batches of 10; atomic counters",
			run: hibernationdemo.Run, estimate: hibernationdemo.Estimate},
		{name: "pitfalls", slides: "3, 7, 14, 19, 22, 23", about: "the slides' bugs, run for real (not in the full run)",
			run: func(ctx context.Context, env report.Env) error { return pitfallsdemo.Run(ctx, env) }, extra: true},
	}
}

// bound calls bind on fs and returns the names of the flags it defined.
func bound(fs *flag.FlagSet, bind func(*flag.FlagSet)) []string {
	before := map[string]bool{}
	fs.VisitAll(func(f *flag.Flag) { before[f.Name] = true })
	bind(fs)
	var names []string
	fs.VisitAll(func(f *flag.Flag) {
		if !before[f.Name] {
			names = append(names, f.Name)
		}
	})
	return names
}

// checkFlags refuses a pattern's own flag when that pattern is not run:
// "workerpool --fail ci" would otherwise do nothing, silently.
func checkFlags(fs *flag.FlagSet, reg, chosen []pattern) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		for _, p := range reg {
			if err == nil && slices.Contains(p.flags, f.Name) && !slices.ContainsFunc(chosen, func(c pattern) bool { return c.name == p.name }) {
				err = fmt.Errorf("--%s is a flag of %s, which this run does not include", f.Name, p.name)
			}
		}
	})
	return err
}

// choose picks the named patterns, or all of them when none is named.
func choose(reg []pattern, names []string) ([]pattern, error) {
	if len(names) == 0 {
		var out []pattern
		for _, p := range reg {
			if !p.extra {
				out = append(out, p)
			}
		}
		return out, nil
	}
	var out []pattern
	for _, n := range names {
		p, ok := lookup(reg, n)
		if !ok {
			return nil, fmt.Errorf("unknown pattern %q; valid: %s, list", n, strings.Join(patternNames(reg), ", "))
		}
		out = append(out, p)
	}
	return out, nil
}

func lookup(reg []pattern, name string) (pattern, bool) {
	for _, p := range reg {
		if p.name == name {
			return p, true
		}
	}
	return pattern{}, false
}

func patternNames(reg []pattern) []string {
	names := make([]string, len(reg))
	for i, p := range reg {
		names[i] = p.name
	}
	return names
}

// checkPatterns validates the chosen patterns' own flags.
func checkPatterns(ps []pattern) error {
	for _, p := range ps {
		if p.check != nil {
			if err := p.check(); err != nil {
				return err
			}
		}
	}
	return nil
}

func list(w io.Writer, reg []pattern) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PATTERN\tSLIDES\tWHAT IT SHOWS")
	for _, p := range reg {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", p.name, p.slides, p.about)
	}
	tw.Flush()
}

func usage(w io.Writer, fs *flag.FlagSet, reg []pattern) {
	fmt.Fprintf(w, "Usage: go-concurrency-examples [flags] [pattern ...]\n\n")
	fmt.Fprintf(w, "Runs the talk's patterns against a simulated Kubernetes platform and measures them.\n")
	fmt.Fprintf(w, "No pattern: all of them, then the slide-24 table. Flags may follow the pattern names.\n\n")
	fmt.Fprintf(w, "Patterns:\n")
	list(w, reg)
	fmt.Fprintf(w, "\nFlags:\n")
	printFlags(w, fs)
}

// printFlags is flag.PrintDefaults fitted to the projector: each flag on
// its own line, its description wrapped under it at word boundaries.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		line := "  --" + f.Name
		if name != "" {
			line += " " + name
		}
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "%s\n      %s\n", line, render.Wrap(usage, render.Width-6, "      "))
	})
}

// checkServe allows --serve ADDR for exactly one pattern that has a server.
func checkServe(addr string, reg, chosen []pattern) error {
	var servers []string
	for _, p := range reg {
		if p.serves {
			servers = append(servers, p.name)
		}
	}
	if len(chosen) != 1 || !chosen[0].serves {
		return fmt.Errorf("--serve goes with one of: %s", strings.Join(servers, ", "))
	}
	host, port, err := net.SplitHostPort(addr)
	if err == nil {
		_, err = net.LookupPort("tcp", port)
	}
	if err != nil {
		return fmt.Errorf("--serve wants HOST:PORT, such as 127.0.0.1:8080: %v", err)
	}
	// No name lookups: a DNS query on a conference network can take
	// seconds, and a name that resolves elsewhere than loopback is a
	// surprise on stage.
	if host != "" && host != "localhost" && net.ParseIP(host) == nil {
		return fmt.Errorf("--serve wants an IP address or localhost, such as 127.0.0.1:8080, not %q", host)
	}
	return nil
}

// How long a run may take. A presenter's typo (--items 100000) should not
// hold the stage for half an hour: past warnAfter the run says how long
// it will take and how to shorten it; past refuseAfter it does not start
// unless --long asks for it.
const (
	warnAfter   = 2 * time.Minute
	refuseAfter = 15 * time.Minute
)

// budget computes how long the chosen patterns will take and returns a
// line to warn with (or "") and, past refuseAfter without long, an error.
func budget(env report.Env, chosen []pattern, long bool) (warning string, err error) {
	var total time.Duration
	var parts []string
	for _, p := range chosen {
		if p.estimate == nil {
			continue
		}
		d := p.estimate(env)
		total += d
		if d >= time.Minute {
			parts = append(parts, fmt.Sprintf("%s %s", p.name, render.DurOf(d.Round(time.Second))))
		}
	}
	if total < warnAfter {
		return "", nil
	}
	what := fmt.Sprintf("this run takes about %s", render.DurOf(total.Round(time.Second)))
	if len(parts) > 0 {
		what += " (" + strings.Join(parts, ", ") + ")"
	}
	how := "fewer --items, more --workers or a smaller --scale shorten it"
	if total > refuseAfter && !long {
		return "", fmt.Errorf("%s, over the %s limit: %s, or add --long to run it anyway", what, render.DurOf(refuseAfter), how)
	}
	return what + "; " + how, nil
}

// checkDescriptors refuses a run that would open more descriptors than the
// process may (ulimit -n): it would end in "too many open files" half-way,
// so it is bad input, said before anything runs.
func checkDescriptors(env report.Env, chosen []pattern, limit int) error {
	if limit <= 0 {
		return nil
	}
	for _, p := range chosen {
		if p.sockets == nil {
			continue
		}
		// Both ends of each connection, and room for the rest.
		if need := 2*p.sockets(env) + 64; need > limit {
			return fmt.Errorf("%s would open about %d file descriptors at once; this process may open %d (ulimit -n): "+
				"fewer --items, or raise ulimit -n", p.name, need, limit)
		}
	}
	return nil
}
