package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"text/tabwriter"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/fanout"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/hibernation"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/pitfalls"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/ratelimit"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/shutdown"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/sse"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/workerpool"
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
}

// registry lists the patterns in slide order and binds their own flags to
// fs. An explicit list, not init(): the order is the talk's.
//
// A pattern's options are bound here, before parsing; its run and check
// closures read them after, so they must not copy them early.
func registry(fs *flag.FlagSet) []pattern {
	var fo fanout.Options
	fo.Bind(fs)
	var rl ratelimit.Options
	rl.Bind(fs)
	return []pattern{
		{name: "workerpool", slides: "3, 5-7", about: "CI auto-trigger of 100 CD pipelines: unbounded, batches, pool, errgroup limit",
			run: workerpool.Run},
		{name: "fanout", slides: "8-10", about: "workflow status: WaitGroup vs errgroup; 50-cluster connection test: sync.Map, by index, bounded",
			run:   func(ctx context.Context, env report.Env) error { return fanout.Run(ctx, env, fo) },
			check: func() error { return fo.Validate() }},
		{name: "ratelimit", slides: "11-13", about: "100 manifests from a throttling API server: batches, semaphore, token bucket",
			run:   func(ctx context.Context, env report.Env) error { return ratelimit.Run(ctx, env, rl) },
			check: func() error { return rl.Validate() }, serves: true},
		{name: "shutdown", slides: "14-15, 23", about: "client disconnect cancels work; graceful drain; WithoutCancel for mutations; goroutine leak",
			run: shutdown.Run, serves: true},
		{name: "sse", slides: "16-17", about: "SSE broker: select loop, non-blocking broadcast; a slow client is evicted, not waited for",
			run: sse.Run, serves: true},
		{name: "hibernation", slides: "18-20", about: "hibernation check of 100 resources: sequential, batches of 10, sliding window, atomic counters",
			run: hibernation.Run},
		{name: "pitfalls", slides: "3, 7, 19, 22, 23", about: "the slides' bugs run for real behind a safety net (not in the full run)",
			run: func(ctx context.Context, env report.Env) error { return pitfalls.Run(ctx, env) }, extra: true},
	}
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
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("--serve wants HOST:PORT, such as 127.0.0.1:8080: %v", err)
	}
	return nil
}
