package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"strconv"
	"strings"
	"unicode"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/scenario"
)

// options are the command line's flags.
type options struct {
	scale    float64
	seed     int64
	items    int
	replicas int
	json     bool
	noColor  bool
	nats     string
	cluster  int
}

// Limits that keep a typo from taking the machine down on stage.
const (
	maxScale    = 10
	maxItems    = 10_000
	maxReplicas = 16
)

// defaultScale: the figures (a trigger holds its connection
// 200 ms); the four variants then take about 10 s in all.
const defaultScale = 1

func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("distributed", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported by run, in one line
	fs.Float64Var(&o.scale, "scale", defaultScale, "multiply every simulated duration by `F` (1: a trigger holds its connection 200ms)")
	fs.Int64Var(&o.seed, "seed", 1, "seed of the simulated latencies: same seed, same work")
	fs.IntVar(&o.items, "items", scenario.Triggers, "CD triggers the CI build publishes")
	fs.IntVar(&o.replicas, "replicas", scenario.Replicas, "replica processes")
	fs.BoolVar(&o.json, "json", false, "print one JSON report on stdout, nothing else")
	fs.BoolVar(&o.noColor, "no-color", false, "no colour (also when NO_COLOR is set or stdout is not a terminal)")
	fs.StringVar(&o.nats, "nats", "", "run against the NATS server(s) at `URL` (comma-separated; JetStream enabled) instead of an embedded one")
	fs.IntVar(&o.cluster, "cluster", 0, "run `3` embedded servers as a cluster, everything in 3 copies, and kill the stream leader's server mid-run")
	return fs
}

// parse parses and checks args before any work starts.
func parse(args []string) (options, *flag.FlagSet, error) {
	var o options
	fs := newFlagSet(&o)
	if err := fs.Parse(args); err != nil {
		return o, fs, err
	}
	if fs.NArg() > 0 {
		return o, fs, fmt.Errorf("unexpected argument %q: this command takes flags only", fs.Arg(0))
	}
	return o, fs, o.validate()
}

func (o options) validate() error {
	switch {
	case math.IsNaN(o.scale) || o.scale <= 0 || o.scale > maxScale:
		return fmt.Errorf("--scale must be above 0 and at most %d, not %v", maxScale, o.scale)
	case o.items < 1 || o.items > maxItems:
		return fmt.Errorf("--items must be from 1 to %d, not %d", maxItems, o.items)
	case o.replicas < 1 || o.replicas > maxReplicas:
		return fmt.Errorf("--replicas must be from 1 to %d, not %d", maxReplicas, o.replicas)
	case o.cluster != 0 && o.cluster != 3:
		return fmt.Errorf("--cluster must be 3 (three servers, everything in three copies), not %d", o.cluster)
	case o.cluster != 0 && o.nats != "":
		return errors.New("--cluster starts its own servers: it does not go with --nats")
	}
	if o.nats != "" {
		if _, err := natsURLs(o.nats); err != nil {
			return err
		}
	}
	return nil
}

// natsURLs checks a --nats value: one URL or several, comma-separated,
// each nats:// or tls:// with a host.
func natsURLs(s string) ([]string, error) {
	var out []string
	for _, part := range strings.Split(s, ",") {
		u, err := url.Parse(strings.TrimSpace(part))
		switch {
		case err != nil:
			return nil, fmt.Errorf("--nats: not a URL: %q", part)
		case u.Scheme != "nats" && u.Scheme != "tls":
			return nil, fmt.Errorf("--nats wants nats://host:port (or tls://), not %q", part)
		case u.Hostname() == "":
			return nil, fmt.Errorf("--nats: no host in %q", part)
		}
		if p := u.Port(); p != "" {
			if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
				return nil, fmt.Errorf("--nats: bad port in %q", part)
			}
		}
		out = append(out, u.String())
	}
	return out, nil
}

// usage prints the flags.
func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, `Usage: distributed [flags]

Slide 6's CD auto-trigger across processes, on NATS JetStream: 100 CD
triggers, %d replica processes, a database pool of %d; the bound per
replica, the bound in the engine (MaxAckPending), a replica SIGKILLed,
one SIGTERMed.

Flags:
`, scenario.Replicas, scenario.PoolSize)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// escape makes bad input safe to echo: control characters (a terminal's
// escape sequences among them) are shown as Go escapes, not sent.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// useColor: colour only on a terminal, never with --no-color or a
// non-empty NO_COLOR (no-color.org: an empty one does not count).
func useColor(o options, term bool) bool {
	return term && os.Getenv("NO_COLOR") == "" && !o.noColor
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
