package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/fanout"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/hibernation"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/shutdowndemo"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/workerpooldemo"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/pitfalls"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/ratelimit"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/sse"
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
}

// registry lists the patterns in slide order and binds their own flags to
// fs. An explicit list, not init(): the order is the talk's.
//
// A pattern's options are bound here, before parsing; its run and check
// closures read them after, so they must not copy them early.
func registry(fs *flag.FlagSet) []pattern {
	var fo fanout.Options
	foFlags := bound(fs, fo.Bind)
	var rl ratelimit.Options
	rlFlags := bound(fs, rl.Bind)
	return []pattern{
		{name: "workerpool", slides: "3, 5-7", about: "CI triggers 100 CD pipelines: unbounded, batches, pool, window",
			run: workerpooldemo.Run},
		{name: "fanout", slides: "8-10", about: "status fetch: WaitGroup vs errgroup; testing 50 clusters at once",
			run:   func(ctx context.Context, env report.Env) error { return fanout.Run(ctx, env, fo) },
			check: func() error { return fo.Validate() }, flags: foFlags},
		{name: "ratelimit", slides: "11-13", about: "100 manifests from a throttling API server; token bucket",
			run:   func(ctx context.Context, env report.Env) error { return ratelimit.Run(ctx, env, rl) },
			check: func() error { return rl.Validate() }, flags: rlFlags, serves: true},
		{name: "shutdown", slides: "14-15, 23", about: "client disconnect, graceful drain, WithoutCancel, a leak",
			run: shutdowndemo.Run, serves: true},
		{name: "sse", slides: "16-17", about: "SSE broker: a slow client is evicted, not waited for",
			run: sse.Run, serves: true},
		{name: "hibernation", slides: "18-20", about: "100 resources in batches of 10; atomic counters",
			run: hibernation.Run},
		{name: "pitfalls", slides: "3, 7, 19, 22, 23", about: "the slides' bugs, run for real (not in the full run)",
			run: func(ctx context.Context, env report.Env) error { return pitfalls.Run(ctx, env) }, extra: true},
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
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
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
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		_, err = net.LookupPort("tcp", port)
	}
	if err != nil {
		return fmt.Errorf("--serve wants HOST:PORT, such as 127.0.0.1:8080: %v", err)
	}
	return nil
}
