package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/fleet"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/natsd"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/report"
	"github.com/go-concurrency-at-scale/go-concurrency-examples/distributed/internal/scenario"
)

// run is the whole program behind main, so tests drive the real entry
// point: it parses args, starts the servers, runs the variants, renders
// them on stdout and returns the exit status. Cancelling ctx with a
// signalled cause is that signal; the replicas are started with launch,
// or as copies of this executable when launch is nil.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runWith(ctx, args, stdout, stderr, nil)
}

func runWith(ctx context.Context, args []string, stdout, stderr io.Writer, launch fleet.Launcher) (status int) {
	o, fs, err := parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage(stdout, fs)
		return exitOK
	case err != nil:
		fmt.Fprintf(stderr, "distributed: %s (see -h)\n", escape(err.Error()))
		return exitUsage
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "distributed: %s\n", escape(err.Error()))
		return exitFailed
	}
	exe, err := os.Executable()
	if err != nil {
		return fail(fmt.Errorf("cannot find this binary to start the replicas: %w", err))
	}
	if launch == nil {
		launch = fleet.Processes(exe, os.Stderr)
	}
	w := scenario.World{Launch: launch, Replicas: o.replicas, Items: o.items, Scale: o.scale, Seed: o.seed,
		Copies: 1, RunID: runID()}
	var where string
	switch {
	case o.nats != "":
		w.URLs, _ = natsURLs(o.nats) // checked by parse
		where = o.nats + " (--nats)"
	case o.cluster > 0:
		c, err := natsd.StartCluster(exe, o.cluster, os.Stderr)
		if err != nil {
			return fail(err)
		}
		defer func() {
			if err := c.Shutdown(); err != nil && status == exitOK {
				status = fail(err)
			}
		}()
		w.URLs, w.Cluster, w.Copies = c.URLs(), c, o.cluster
		where = fmt.Sprintf("%d nats-server %s processes (this binary, embedding it) on 127.0.0.1, routed, "+
			"JetStream in temporary folders", o.cluster, server.VERSION)
	default:
		s, err := natsd.Start()
		if err != nil {
			return fail(err)
		}
		defer func() {
			if err := s.Shutdown(); err != nil && status == exitOK {
				status = fail(err)
			}
		}()
		w.URLs = []string{s.URL()}
		where = fmt.Sprintf("embedded nats-server %s at %s, JetStream in a temporary folder", server.VERSION, s.URL())
	}

	vs := scenario.Variants()
	if w.Cluster != nil {
		vs = scenario.ClusterVariants()
	}
	var obs scenario.Observer
	var view *textView
	if !o.json {
		term := isTerminal(stdout)
		view = newTextView(stdout, term, useColor(o, term))
		view.start(o, where)
		obs = view
	}
	p, err := scenario.Run(ctx, w, vs, obs)
	rep := report.Report{Scale: o.scale, Seed: o.seed, Patterns: []report.Pattern{p}}
	status = exitOK
	var sig signalled
	switch {
	case errors.As(context.Cause(ctx), &sig):
		rep.Interrupted = true
		status = exitStatus(sig.sig)
	case ctx.Err() != nil:
		rep.Interrupted = true
		status = exitInterrupted
	case err != nil:
		status = fail(err)
	}
	if o.json {
		if err := rep.WriteJSON(stdout); err != nil {
			return fail(fmt.Errorf("writing JSON: %w", err))
		}
		return status
	}
	view.finish(rep)
	return status
}

// runID names this run's streams and subjects: unique, so runs sharing a
// server (--nats) never meet.
func runID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // never fails (crypto/rand panics rather)
	return hex.EncodeToString(b)
}
