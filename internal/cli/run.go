package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/pitfallsdemo"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/render"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/internal/serving"
)

// Exit statuses.
const (
	exitOK          = 0
	exitFailed      = 1   // a pattern returned an error
	exitUsage       = 2   // bad input: nothing was run
	exitInterrupted = 130 // Ctrl-C, as a shell reports SIGINT
)

// run is the whole program behind main, so tests drive the real entry
// point: it parses args, runs the chosen patterns and renders them on
// stdout, and returns the exit status. Cancelling ctx is Ctrl-C.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cl, err := parseCommandLine(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage(stdout, cl.fs, cl.reg)
		return exitOK
	case err != nil:
		// printable: a flag's name or value is echoed, and must not be
		// able to clear the terminal or move its cursor.
		fmt.Fprintf(stderr, "go-concurrency-examples: %s (see -h)\n", printable(err.Error()))
		return exitUsage
	case cl.list:
		list(stdout, cl.reg)
		return exitOK
	}
	if cl.warning != "" {
		fmt.Fprintf(stderr, "go-concurrency-examples: %s\n", cl.warning)
	}
	stopTrace, err := startTrace(cl.trace, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "go-concurrency-examples: %v\n", err)
		return exitFailed
	}
	status := runPatterns(ctx, cl.opts, cl.chosen, stdin, stdout, stderr)
	return max(status, stopTrace())
}

// commandLine is what the arguments ask for.
type commandLine struct {
	fs     *flag.FlagSet
	reg    []pattern
	opts   options
	chosen []pattern // the patterns to run, in order
	list   bool      // "list": name the patterns, run nothing
	trace  *os.File  // --trace FILE, created; nil without --trace
	// warning, if not "", says the run will take long, and how to
	// shorten it.
	warning string
}

// parseCommandLine parses and checks every argument before any work
// starts, so bad input never leaves half a run behind.
func parseCommandLine(args []string) (*commandLine, error) {
	cl := &commandLine{}
	cl.fs = newFlagSet(&cl.opts)
	cl.reg = registry(cl.fs)
	names, err := parseArgs(cl.fs, args)
	if err != nil {
		return cl, err
	}
	if err := cl.opts.validate(cl.fs); err != nil {
		return cl, err
	}
	if slices.Contains(names, "list") {
		if len(names) > 1 {
			return cl, errors.New("list takes no pattern names")
		}
		cl.list = true
		return cl, nil
	}
	if cl.chosen, err = choose(cl.reg, names); err != nil {
		return cl, err
	}
	if err := checkFlags(cl.fs, cl.reg, cl.chosen); err != nil {
		return cl, err
	}
	if err := checkPatterns(cl.chosen); err != nil {
		return cl, err
	}
	if cl.opts.serve != "" {
		if cl.opts.json || cl.opts.svg != "" || cl.opts.trace != "" {
			return cl, errors.New("--serve runs a server until Ctrl-C: it has no --json, --svg or --trace report")
		}
		return cl, checkServe(cl.opts.serve, cl.reg, cl.chosen)
	}
	env := report.Env{Scale: cl.opts.scale, Seed: cl.opts.seed, Items: cl.opts.items, Workers: cl.opts.workers}
	if cl.warning, err = budget(env, cl.chosen, cl.opts.long); err != nil {
		return cl, err
	}
	if err := checkDescriptors(env, cl.chosen, openFiles()); err != nil {
		return cl, err
	}
	if cl.opts.svg != "" {
		// Made now, the last check, so a folder that cannot be written
		// stops the run before any work, and bad input makes no folder.
		if err := os.MkdirAll(cl.opts.svg, 0o755); err != nil {
			return cl, fmt.Errorf("--svg: %v", err)
		}
	}
	if cl.opts.trace != "" {
		// Likewise the last check: bad input leaves no trace file.
		if cl.trace, err = createTrace(cl.opts.trace); err != nil {
			return cl, err
		}
	}
	return cl, nil
}

// runPatterns runs the chosen patterns in order and renders what they
// measured, also when one fails or ctx is cancelled half-way.
func runPatterns(ctx context.Context, opts options, chosen []pattern, stdin io.Reader, stdout, stderr io.Writer) int {
	if w := exposed(opts.serve); w != "" {
		fmt.Fprintf(stderr, "go-concurrency-examples: warning: %s\n", w)
	}
	term := isTerminal(stdout)
	var obs report.Observer
	var view *render.Text
	if !opts.json {
		view = render.NewText(stdout, term, useColor(opts, term))
		view.Step = stepper(ctx, stdout, stepLines(opts, stdin, stdout))
		obs = view
		view.Start(opts.scale, opts.seed)
	}
	env := report.NewEnv(opts.scale, opts.seed, obs)
	env.Items, env.Workers, env.Serve = opts.items, opts.workers, opts.serve

	status := exitOK
	for _, p := range chosen {
		err := p.run(ctx, env)
		if opts.serve != "" {
			// A server runs until Ctrl-C: that is its end, not an
			// interruption. It returns nil after a graceful drain.
			if err != nil {
				fmt.Fprintf(stderr, "go-concurrency-examples: %s: %v\n", p.name, err)
				return exitFailed
			}
			return exitOK
		}
		if err == nil && opts.pits && pitfallsdemo.For(p.name) {
			err = pitfallsdemo.Run(ctx, env, p.name)
		}
		if ctx.Err() != nil {
			break
		}
		if err != nil {
			fmt.Fprintf(stderr, "go-concurrency-examples: %s: %v\n", p.name, err)
			status = exitFailed
		}
	}
	if ctx.Err() != nil {
		env.Rec.SetInterrupted()
		status = exitInterrupted
		var s signalled
		if errors.As(context.Cause(ctx), &s) {
			status = exitFor(s.sig)
		}
	}
	rep := env.Rec.Report()
	if opts.svg != "" {
		files, err := render.WriteSVGs(opts.svg, rep)
		if err != nil {
			fmt.Fprintf(stderr, "go-concurrency-examples: --svg: %v\n", err)
			status = max(status, exitFailed)
		}
		fmt.Fprintf(stderr, "wrote %d charts into %s\n", len(files), opts.svg)
	}
	if opts.json {
		if err := rep.WriteJSON(stdout); err != nil {
			fmt.Fprintf(stderr, "go-concurrency-examples: writing JSON: %v\n", err)
			return exitFailed
		}
		return status
	}
	view.Finish(rep)
	return status
}

// exposed is the warning for a --serve address off loopback, or "".
func exposed(addr string) string {
	if addr == "" || serving.Loopback(addr) {
		return ""
	}
	return fmt.Sprintf("--serve %s is reachable from the network: anyone on it can open streams and hold "+
		"requests (the runtime's profiles stay off: they are served on loopback only); on stage keep 127.0.0.1",
		printable(addr))
}

// printable escapes the control characters and invalid UTF-8 of s, as %q
// would, and leaves everything else as it is.
func printable(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unicode.IsControl(r) || !unicode.IsPrint(r) && r != ' ':
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// stepLine is one line typed in --step mode, and when it was typed.
type stepLine struct {
	at   time.Time
	text string
}

// stepLines returns the lines typed on stdin in --step mode when both stdin
// and stdout are terminals, and nil otherwise: a prompt written into a file
// would wait for an Enter nobody knows to press. The reading goroutine
// cannot be cancelled (a read from a terminal does not take a context); it
// ends when stdin closes or with the process.
func stepLines(opts options, stdin io.Reader, stdout io.Writer) <-chan stepLine {
	if !opts.step || !isTerminal(stdin) || !isTerminal(stdout) {
		return nil
	}
	return readLines(stdin)
}

// readLines stamps each line of r as it is typed and passes it on. The
// channel is buffered so the reader never waits for a prompt to take a
// line: two Enters pressed while a variant runs are both read, and stamped,
// then; unbuffered, the second would be read only once the first was
// taken, at the next prompt, and pass for its answer. Closed by the reader
// at end of input.
func readLines(r io.Reader) <-chan stepLine {
	lines := make(chan stepLine, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- stepLine{at: time.Now(), text: sc.Text()} // stamped as typed, not as taken
		}
	}()
	return lines
}

// stepper returns the presenter's pause for --step: it shows what comes
// next and waits for an Enter pressed after the prompt appeared, or for
// ctx. Keys pressed while a variant ran are type-ahead, not an answer to a
// prompt nobody saw yet: they are dropped, so they can neither skip the
// next pause nor make its clean-up erase a line of output. It returns nil
// when lines is nil (no --step, or no terminal): then nothing pauses.
func stepper(ctx context.Context, stdout io.Writer, lines <-chan stepLine) func(next string) {
	if lines == nil {
		return nil
	}
	return func(next string) {
		shown := time.Now()
		fmt.Fprintf(stdout, "  [Enter: %s]", next)
		for {
			select {
			case l, ok := <-lines:
				if ok && l.at.Before(shown) {
					continue // typed during the variant: not an answer
				}
				if ok {
					// The Enter echoed a newline under the prompt: go
					// up over it and clear the prompt, nothing else.
					fmt.Fprint(stdout, "\x1b[1A\x1b[2K\r")
				} else {
					fmt.Fprint(stdout, "\r\x1b[2K") // stdin closed: no more pauses to wait for
				}
				return
			case <-ctx.Done():
				fmt.Fprint(stdout, "\r\x1b[2K")
				return
			}
		}
	}
}
